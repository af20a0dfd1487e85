import NIOCore

/// The head and first message part of a call (spec §4.3).
public struct Request: Hashable, Sendable {
    /// Milliseconds the client will wait, from when the server reads the frame; 0 = none.
    public var timeoutMilliseconds: UInt32
    public var method: String
    public var metadata: [MetadataEntry]
    public var payload: Payload

    public init(timeoutMilliseconds: UInt32 = 0, method: String, metadata: [MetadataEntry] = [], payload: Payload = .empty) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.method = method
        self.metadata = metadata
        self.payload = payload
    }
}

/// One raw entry of a REQUEST's metadata block (spec §6). `RequestMetadata` interprets them.
public struct MetadataEntry: Hashable, Sendable {
    public var key: UInt8
    public var value: ByteBuffer

    public init(key: UInt8, value: ByteBuffer) {
        self.key = key
        self.value = value
    }

    public init(key: MetadataKey, value: String) {
        self.init(key: key.rawValue, value: ByteBuffer(string: value))
    }
}

public enum MetadataKey: UInt8, Sendable {
    case traceparent = 0x01
    case tracestate = 0x02
    case idempotencyKey = 0x03
    case principal = 0x04
}
