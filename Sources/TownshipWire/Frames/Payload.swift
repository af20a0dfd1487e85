import NIOCore

/// The message part of a REQUEST, RESPONSE or MESSAGE. On the wire it may be in the
/// compressed form of spec §8; `isCompressed` says which, and the bytes are a slice of the
/// buffer the frame was read from, never a copy.
public struct Payload: Hashable, Sendable {
    public var bytes: ByteBuffer
    public var isCompressed: Bool

    public init(_ bytes: ByteBuffer, isCompressed: Bool = false) {
        self.bytes = bytes
        self.isCompressed = isCompressed
    }

    public static var empty: Payload { Payload(ByteBuffer()) }
}
