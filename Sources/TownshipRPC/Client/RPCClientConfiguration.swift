import Logging
import TownshipWire

/// Where a service listens.
public struct RPCEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        self.init(host: String(text[..<colon]), port: port)
    }

    public var description: String { "\(host):\(port)" }
}

public struct RPCClientConfiguration: Sendable {
    public var endpoints: [RPCEndpoint]
    /// The SPIFFE identity every endpoint must present, e.g. `spiffe://township.local/service/intake`.
    public var serverIdentity: String?
    /// The limits this client announces for what it receives.
    public var limits: Hello
    public var connectTimeout: Duration
    /// Idle time before a keepalive PING; nil turns keepalive off.
    public var keepaliveInterval: Duration?
    public var keepaliveTimeout: Duration
    /// Reconnect backoff: first delay, cap, and ±jitter fraction.
    public var backoff: Backoff
    /// Consecutive connection failures after which an endpoint is left out for a backoff.
    public var ejectAfterFailures: Int
    /// Attempts per call, the first included.
    public var maxAttempts: Int
    public var retryBudget: RetryBudget.Configuration
    /// Calls that may wait per connection for a slot under the server's
    /// `max_concurrent_requests`; one more fails at once with RESOURCE_EXHAUSTED (not
    /// sent, so safe to retry). Default 1,024. A queued call's deadline runs while it waits.
    public var maxQueuedCalls: Int
    /// How long `shutdown` waits for a connection's close (its GOAWAY and close_notify) to
    /// reach a server that does not read before it closes the socket anyway. Default 5 s.
    public var closeTimeout: Duration
    public var logger: Logger

    public static let defaultMaxQueuedCalls = 1_024

    public init(
        endpoints: [RPCEndpoint],
        serverIdentity: String?,
        limits: Hello = Hello(maxConcurrentRequests: 0, agent: "township-swift/1"),
        connectTimeout: Duration = .seconds(5),
        keepaliveInterval: Duration? = .seconds(30),
        keepaliveTimeout: Duration = .seconds(10),
        backoff: Backoff = Backoff(),
        ejectAfterFailures: Int = 3,
        maxAttempts: Int = 3,
        retryBudget: RetryBudget.Configuration = .init(),
        maxQueuedCalls: Int = RPCClientConfiguration.defaultMaxQueuedCalls,
        closeTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "township.rpc.client")
    ) {
        self.endpoints = endpoints
        self.serverIdentity = serverIdentity
        self.limits = limits
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.backoff = backoff
        self.ejectAfterFailures = ejectAfterFailures
        self.maxAttempts = maxAttempts
        self.retryBudget = retryBudget
        self.maxQueuedCalls = maxQueuedCalls
        self.closeTimeout = closeTimeout
        self.logger = logger
    }
}

/// Exponential backoff with jitter, so that clients that lost a server together do not
/// come back together.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    public var jitter: Double

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10), multiplier: Double = 2, jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before attempt `attempt` (1 = the first retry).
    public func delay(attempt: Int) -> Duration {
        let base = Double(initial.nanoseconds) * pow(multiplier, Double(max(0, attempt - 1)))
        let capped = min(base, Double(maximum.nanoseconds))
        let jittered = capped * Double.random(in: (1 - jitter)...(1 + jitter))
        return .nanoseconds(Int64(jittered))
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    for _ in 0..<Int(exponent) { result *= base }
    return result
}
