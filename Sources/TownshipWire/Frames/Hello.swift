/// The HELLO each side sends first (spec §2, §4.1): the limits its sender enforces.
public struct Hello: Hashable, Sendable {
    public var version: UInt16
    public var maxFrameSize: UInt32
    public var maxConcurrentRequests: UInt16
    public var initialStreamCredit: UInt16
    public var capabilities: Capabilities
    public var agent: String
    /// Set on the server's answer.
    public var isAck: Bool

    public init(
        version: UInt16 = WireLimits.protocolVersion,
        maxFrameSize: UInt32 = WireLimits.defaultMaxFrameSize,
        maxConcurrentRequests: UInt16 = WireLimits.defaultMaxConcurrentRequests,
        initialStreamCredit: UInt16 = WireLimits.defaultInitialStreamCredit,
        capabilities: Capabilities = .zlib,
        agent: String = "",
        isAck: Bool = false
    ) {
        self.version = version
        self.maxFrameSize = maxFrameSize
        self.maxConcurrentRequests = maxConcurrentRequests
        self.initialStreamCredit = initialStreamCredit
        self.capabilities = capabilities
        self.agent = agent
        self.isAck = isAck
    }

    /// The range checks of spec §2 for a HELLO read from a peer in `role`'s opposite.
    func validate(sentByServer: Bool) throws(WireConnectionError) {
        guard (WireLimits.minMaxFrameSize...WireLimits.maxMaxFrameSize).contains(maxFrameSize) else {
            throw .protocolError("HELLO max_frame_size \(maxFrameSize) is outside 16384...16777216")
        }
        guard (WireLimits.minInitialStreamCredit...WireLimits.maxInitialStreamCredit).contains(initialStreamCredit) else {
            throw .protocolError("HELLO initial_stream_credit \(initialStreamCredit) is outside 1...1024")
        }
        if sentByServer && maxConcurrentRequests == 0 {
            throw .protocolError("a server's HELLO must allow at least one concurrent request")
        }
    }
}

public struct Capabilities: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The sender inflates zlib-compressed payloads.
    public static let zlib = Capabilities(rawValue: 0x1)
}
