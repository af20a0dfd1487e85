import NIOCore
import Synchronization

/// Messages arriving for one call, consumed by its handler (or, on clients, by the caller).
/// Filled on the event loop, drained from a task. Each message taken calls `onConsumed`,
/// which is where credit is granted back to the sender, so the buffer never holds more than
/// the credit the receiver handed out.
final class MessageInbox: Sendable {
    private struct State {
        var buffered = CircularBuffer<ByteBuffer>()
        var end: Result<Void, RPCError>?
        var waiter: CheckedContinuation<ByteBuffer?, Error>?
    }

    private let state = Mutex(State())
    private let onConsumed: @Sendable () -> Void

    init(onConsumed: @escaping @Sendable () -> Void = {}) {
        self.onConsumed = onConsumed
    }

    func deliver(_ message: ByteBuffer) {
        let waiter: CheckedContinuation<ByteBuffer?, Error>? = state.withLock { state in
            guard state.end == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(message)
            return nil
        }
        if let waiter {
            waiter.resume(returning: message)
            onConsumed()
        }
    }

    /// No more messages: `nil` ends normally, an error fails the consumer's next read.
    func finish(_ error: RPCError? = nil) {
        let waiter: CheckedContinuation<ByteBuffer?, Error>? = state.withLock { state in
            guard state.end == nil else { return nil }
            state.end = error.map { .failure($0) } ?? .success(())
            defer { state.waiter = nil }
            // Buffered messages are still handed out before a normal end, not before an error.
            if error != nil { state.buffered.removeAll() }
            return state.buffered.isEmpty ? state.waiter : nil
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    func next() async throws -> ByteBuffer? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, Error>) in
            enum Outcome { case message(ByteBuffer), end(RPCError?), wait }
            let outcome: Outcome = state.withLock { state in
                if let message = state.buffered.popFirst() { return .message(message) }
                switch state.end {
                case .some(.success): return .end(nil)
                case .some(.failure(let error)): return .end(error)
                case .none:
                    precondition(state.waiter == nil, "two readers on one message stream")
                    state.waiter = continuation
                    return .wait
                }
            }
            switch outcome {
            case .message(let message):
                continuation.resume(returning: message)
                onConsumed()
            case .end(nil): continuation.resume(returning: nil)
            case .end(let error?): continuation.resume(throwing: error)
            case .wait: break
            }
        }
    }

    /// The one message of a unary or server-streaming request.
    func first() async throws -> ByteBuffer {
        guard let message = try await next() else { throw RPCError.invalidArgument("the request carries no message") }
        return message
    }
}
