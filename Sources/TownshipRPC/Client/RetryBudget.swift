import Synchronization

/// Bounds retries to a fraction of calls, so that retries cannot multiply the load on a
/// server that is already failing: each call deposits `ratio` tokens, each retry spends one.
public final class RetryBudget: Sendable {
    public struct Configuration: Sendable {
        public var ratio: Double
        public var maxTokens: Double
        public init(ratio: Double = 0.2, maxTokens: Double = 20) {
            self.ratio = ratio
            self.maxTokens = maxTokens
        }
    }

    private let configuration: Configuration
    private let tokens: Mutex<Double>

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        self.tokens = Mutex(configuration.maxTokens)
    }

    func deposit() {
        tokens.withLock { $0 = min(configuration.maxTokens, $0 + configuration.ratio) }
    }

    func withdraw() -> Bool {
        tokens.withLock { tokens in
            guard tokens >= 1 else { return false }
            tokens -= 1
            return true
        }
    }
}
