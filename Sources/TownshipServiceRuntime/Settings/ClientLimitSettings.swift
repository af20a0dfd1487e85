import Configuration
import TownshipRPC

/// A TWP/1 client's limits as an operator sets them, under a prefix (the gateway reads
/// `backends.maxQueuedCalls` and `backends.closeTimeoutMilliseconds` for its backend clients;
/// deploy/gateway.example.json documents them).
///
/// | key | default | meaning |
/// | --- | --- | --- |
/// | `<prefix>.maxQueuedCalls` | 1024 | calls that may wait per connection for a slot under the server's max_concurrent_requests; one more fails at once with RESOURCE_EXHAUSTED |
/// | `<prefix>.closeTimeoutMilliseconds` | 5000 | how long a shutdown waits for a server that does not read before closing the socket |
public struct ClientLimitSettings: Sendable, Equatable {
    public var maxQueuedCalls = RPCClientConfiguration.defaultMaxQueuedCalls
    public var closeTimeoutMilliseconds = 5_000

    public static func knownKeys(prefix: String) -> [String: ConfigurationValueKind] {
        ["\(prefix).maxQueuedCalls": .integer, "\(prefix).closeTimeoutMilliseconds": .integer]
    }

    public init() {}

    /// Reads the limits; the error names the key whose value is out of range.
    public init(config: ConfigReader, prefix: String, invalid: (String) -> any Error) throws {
        maxQueuedCalls = config.int(forKey: ConfigKey("\(prefix).maxQueuedCalls"), default: maxQueuedCalls)
        closeTimeoutMilliseconds = config.int(forKey: ConfigKey("\(prefix).closeTimeoutMilliseconds"), default: closeTimeoutMilliseconds)
        guard (0...1_000_000).contains(maxQueuedCalls) else {
            throw invalid("\(prefix).maxQueuedCalls must be within 0...1000000, not \(maxQueuedCalls)")
        }
        guard (1...600_000).contains(closeTimeoutMilliseconds) else {
            throw invalid("\(prefix).closeTimeoutMilliseconds must be within 1...600000, not \(closeTimeoutMilliseconds)")
        }
    }

    public func apply(to configuration: inout RPCClientConfiguration) {
        configuration.maxQueuedCalls = maxQueuedCalls
        configuration.closeTimeout = .milliseconds(closeTimeoutMilliseconds)
    }
}
