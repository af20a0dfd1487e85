import Synchronization

/// Stops calling a backend that keeps failing: open after `failureThreshold` consecutive
/// failures; after `coolDown` one probe is let through (half-open); its success closes the
/// breaker, its failure opens it for another cool-down.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable {
        case closed, open, halfOpen = "half_open"
    }

    private struct Inner {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: ContinuousClock.Instant?
        var probeInFlight = false
    }

    private let failureThreshold: Int
    private let coolDown: Duration
    private let inner = Mutex(Inner())

    public init(failureThreshold: Int, coolDown: Duration) {
        self.failureThreshold = max(1, failureThreshold)
        self.coolDown = coolDown
    }

    public var state: State { inner.withLock { $0.state } }

    /// Whether a call may go out now; a true answer in the open state is the probe.
    public func allowCall(now: ContinuousClock.Instant = .now) -> Bool {
        inner.withLock { inner in
            switch inner.state {
            case .closed:
                return true
            case .open:
                guard let openedAt = inner.openedAt, now - openedAt >= coolDown else { return false }
                inner.state = .halfOpen
                inner.probeInFlight = true
                return true
            case .halfOpen:
                if inner.probeInFlight { return false }
                inner.probeInFlight = true
                return true
            }
        }
    }

    public func recordSuccess() {
        inner.withLock { inner in
            inner = Inner()
        }
    }

    public func recordFailure(now: ContinuousClock.Instant = .now) {
        inner.withLock { inner in
            inner.consecutiveFailures += 1
            inner.probeInFlight = false
            if inner.state == .halfOpen || inner.consecutiveFailures >= failureThreshold {
                inner.state = .open
                inner.openedAt = now
            }
        }
    }
}
