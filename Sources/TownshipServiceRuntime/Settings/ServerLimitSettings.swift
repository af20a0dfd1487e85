import Configuration
import TownshipRPC
import TownshipTLS
import TownshipWire

/// The TWP/1 server's and its TLS's limits as an operator sets them (proto-spec §10 gives the
/// defaults; deploy/intake.example.json documents every key). Durations are whole numbers
/// of the unit their key names.
///
/// | key | default | meaning |
/// | --- | --- | --- |
/// | `rpc.helloTimeoutMilliseconds` | 10000 | accept to completed HELLO, TLS handshake included |
/// | `rpc.idleTimeoutSeconds` | 300 | a connection with no call for this long is closed (GOAWAY OK); 0 keeps idle connections |
/// | `rpc.maxConnections` | 1024 | connections held at once; one more gets GOAWAY and is closed |
/// | `rpc.closeTimeoutMilliseconds` | 5000 | how long a close waits for a peer that does not read |
/// | `rpc.maxConcurrentRequests` | 128 | calls running per connection (announced in HELLO) |
/// | `tls.closeTimeoutMilliseconds` | 5000 | how long TLS waits for its close_notify to be written |
/// | `tls.sessionLifetimeSeconds` | 3600 | how long a TLS 1.3 session ticket can be resumed |
/// | `tls.sessionTicketKeyRotationSeconds` | 3600 | how often the ticket key is replaced (at least the lifetime) |
public struct ServerLimitSettings: Sendable, Equatable {
    public var helloTimeoutMilliseconds = 10_000
    public var idleTimeoutSeconds = Int(RPCServerConfiguration.defaultIdleTimeout.components.seconds)
    public var maxConnections = RPCServerConfiguration.defaultMaxConnections
    public var closeTimeoutMilliseconds = 5_000
    public var maxConcurrentRequests = Int(WireLimits.defaultMaxConcurrentRequests)
    public var tlsCloseTimeoutMilliseconds = 5_000
    public var sessionLifetimeSeconds = 3_600
    public var sessionTicketKeyRotationSeconds = 3_600

    public static let knownKeys: [String: ConfigurationValueKind] = [
        "rpc.helloTimeoutMilliseconds": .integer, "rpc.idleTimeoutSeconds": .integer, "rpc.maxConnections": .integer,
        "rpc.closeTimeoutMilliseconds": .integer, "rpc.maxConcurrentRequests": .integer,
        "tls.closeTimeoutMilliseconds": .integer, "tls.sessionLifetimeSeconds": .integer, "tls.sessionTicketKeyRotationSeconds": .integer,
    ]

    public init() {}

    public init(config: ConfigReader) throws {
        func read(_ key: String, _ value: inout Int, _ range: ClosedRange<Int>) throws {
            value = config.int(forKey: ConfigKey(key), default: value)
            guard range.contains(value) else {
                throw ServiceSettings.Invalid(description: "\(key) must be within \(range.lowerBound)...\(range.upperBound), not \(value)")
            }
        }
        try read("rpc.helloTimeoutMilliseconds", &helloTimeoutMilliseconds, 1...600_000)
        try read("rpc.idleTimeoutSeconds", &idleTimeoutSeconds, 0...86_400)
        try read("rpc.maxConnections", &maxConnections, 1...1_000_000)
        try read("rpc.closeTimeoutMilliseconds", &closeTimeoutMilliseconds, 1...600_000)
        try read("rpc.maxConcurrentRequests", &maxConcurrentRequests, 1...Int(UInt16.max))
        try read("tls.closeTimeoutMilliseconds", &tlsCloseTimeoutMilliseconds, 1...600_000)
        try read("tls.sessionLifetimeSeconds", &sessionLifetimeSeconds, 1...604_800)
        try read("tls.sessionTicketKeyRotationSeconds", &sessionTicketKeyRotationSeconds, 1...604_800)
        guard sessionTicketKeyRotationSeconds >= sessionLifetimeSeconds else {
            throw ServiceSettings.Invalid(description: "tls.sessionTicketKeyRotationSeconds (\(sessionTicketKeyRotationSeconds)) must be at least tls.sessionLifetimeSeconds (\(sessionLifetimeSeconds)), or tickets expire undecryptable")
        }
    }

    /// These limits on a server configuration.
    public func apply(to configuration: inout RPCServerConfiguration) {
        configuration.helloTimeout = .milliseconds(helloTimeoutMilliseconds)
        configuration.idleTimeout = idleTimeoutSeconds == 0 ? nil : .seconds(idleTimeoutSeconds)
        configuration.maxConnections = maxConnections
        configuration.closeTimeout = .milliseconds(closeTimeoutMilliseconds)
        configuration.limits.maxConcurrentRequests = UInt16(maxConcurrentRequests)
    }

    /// These limits on the server's TLS configuration.
    public func apply(to configuration: inout TLSConfiguration) {
        configuration.closeTimeout = .milliseconds(Int64(tlsCloseTimeoutMilliseconds))
        configuration.sessionLifetime = .seconds(Int64(sessionLifetimeSeconds))
        configuration.sessionTicketKeyRotation = .seconds(Int64(sessionTicketKeyRotationSeconds))
    }
}
