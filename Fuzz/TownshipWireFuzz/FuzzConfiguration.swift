import TownshipWire

/// What the first input byte selects: which side reads the stream, its own limits, and how
/// the stream is cut into reads.
struct FuzzConfiguration {
    /// The small limit the allocation properties are checked against.
    static let maxFrameSize: UInt32 = 16_384

    var role: ConnectionStateMachine.Role
    var local: Hello
    /// Bytes per read; nil reads the whole stream at once.
    var chunkSize: Int?

    init(byte: UInt8) {
        role = byte & 0x01 == 0 ? .server : .client
        local = Hello(
            maxFrameSize: Self.maxFrameSize,
            maxConcurrentRequests: byte & 0x20 == 0 ? 128 : 1,
            initialStreamCredit: byte & 0x40 == 0 ? 16 : 1,
            capabilities: byte & 0x02 == 0 ? .zlib : [],
            agent: "township-fuzz",
            isAck: role == .server)
        let chunkSelector = Int((byte >> 2) & 0x07)
        chunkSize = chunkSelector == 0 ? nil : 1 << (chunkSelector - 1)
    }

    /// The byte that selects this configuration with whole-stream reads.
    static func byte(role: ConnectionStateMachine.Role) -> UInt8 { role == .server ? 0x00 : 0x01 }
}
