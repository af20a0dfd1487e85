import NIOCore
import TownshipWire

/// The stream-message state each side keeps per call: MESSAGEs waiting for credit or for the
/// socket, and messages consumed since credit was last granted back.
struct StreamFlow {
    private var pending = CircularBuffer<(ByteBuffer, CheckedContinuation<Void, Error>)>()
    private var consumedSinceCredit: UInt32 = 0

    mutating func enqueue(_ bytes: ByteBuffer, _ continuation: CheckedContinuation<Void, Error>) {
        pending.append((bytes, continuation))
    }

    /// The next message to send, if there is credit and the socket keeps up.
    mutating func nextToSend(credit: UInt32, writable: Bool) -> (ByteBuffer, CheckedContinuation<Void, Error>)? {
        guard writable, credit > 0 else { return nil }
        return pending.popFirst()
    }

    mutating func failPending(_ error: RPCError) {
        while let (_, continuation) = pending.popFirst() { continuation.resume(throwing: error) }
    }

    /// Counts a consumed message; returns the credit to grant once half the window is used,
    /// so a steady stream costs one CREDIT frame per several messages.
    mutating func consumed(window: UInt16) -> UInt32? {
        consumedSinceCredit += 1
        guard consumedSinceCredit >= max(1, UInt32(window) / 2) else { return nil }
        defer { consumedSinceCredit = 0 }
        return consumedSinceCredit
    }
}

extension ConnectionStateMachine {
    /// A message as it goes on the wire: compressed when negotiated and worth it (spec §8).
    func outgoingPayload(_ bytes: ByteBuffer) -> Payload {
        guard compressionNegotiated, let compressed = PayloadCompression.compressIfWorthIt(bytes) else { return Payload(bytes) }
        return compressed
    }
}
