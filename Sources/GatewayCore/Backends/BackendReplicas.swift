import Logging
import Synchronization
import TownshipRPC

/// The replicas of one backend (`backends.<name>.endpoints`, one or more `host:port`): one
/// TWP/1 client, hence one multiplexed connection, per replica, each behind its own circuit
/// breaker (`breaker.failures`, `breaker.coolDownMilliseconds`).
///
/// A call goes to the replica with the fewest calls in flight whose breaker lets it through,
/// ties taken in turn. A replica whose connection fails or whose calls time out
/// `breaker.failures` times in a row is ejected for the cool-down, then probed by one call.
/// A call that failed on one replica is tried once on another when repeating it cannot do
/// harm: it never reached the first (refused: no connection, backing off, queue full), or it
/// is a read or carries an idempotency key and ended UNAVAILABLE, the replica gone before
/// any reply. When every breaker is open the calls go out anyway (to the replica whose turn
/// it is), so a backend that comes back is found without waiting for a cool-down.
public final class BackendReplicas: Sendable {
    /// One replica: its client and its breaker.
    public final class Replica: Sendable {
        public let client: RPCClient
        public let breaker: CircuitBreaker
        /// Unary calls in flight on it (event streams are long-lived and not counted).
        let inFlight = Atomic<Int>(0)

        init(client: RPCClient, breaker: CircuitBreaker) {
            self.client = client
            self.breaker = breaker
        }

        public var endpoint: String { client.configuration.endpoints.map(\.description).joined(separator: ",") }
    }

    public let replicas: [Replica]
    private let turn = Atomic<Int>(0)
    private let logger: Logger

    public init(clients: [RPCClient], breakerFailures: Int, breakerCoolDown: Duration, logger: Logger) {
        precondition(!clients.isEmpty, "a backend needs at least one replica")
        replicas = clients.map { Replica(client: $0, breaker: CircuitBreaker(failureThreshold: breakerFailures, coolDown: breakerCoolDown)) }
        self.logger = logger
    }

    /// One replica on `client`, with the gateway's default breaker.
    public convenience init(client: RPCClient) {
        let defaults = GatewaySettings()
        self.init(clients: [client], breakerFailures: defaults.breakerFailures, breakerCoolDown: defaults.breakerCoolDown, logger: client.configuration.logger)
    }

    /// Runs `body` on a replica, and once more on another when the failure allows it (see the
    /// type's comment). `retrySafe`: the call is a read or carries an idempotency key.
    public func call<T: Sendable>(retrySafe: Bool, _ body: (RPCClient) async throws -> T) async throws -> T {
        let first = pick()
        do {
            return try await run(body, on: first)
        } catch let error as RPCError where mayRetryElsewhere(error, retrySafe: retrySafe) {
            logger.debug("trying another replica", metadata: ["replica": "\(first.endpoint)", "error": "\(error)"])
            return try await run(body, on: pick(avoiding: first))
        }
    }

    /// Whether a call that failed with `error`, before any reply, may go to another replica.
    func mayRetryElsewhere(_ error: RPCError, retrySafe: Bool) -> Bool {
        guard replicas.count > 1, !Task.isCancelled else { return false }
        return error.wasRefused || (retrySafe && error.status == .unavailable)
    }

    private func run<T: Sendable>(_ body: (RPCClient) async throws -> T, on replica: Replica) async throws -> T {
        replica.inFlight.add(1, ordering: .relaxed)
        defer { replica.inFlight.subtract(1, ordering: .relaxed) }
        do {
            let result = try await body(replica.client)
            replica.breaker.recordSuccess()
            return result
        } catch let error as RPCError {
            record(error, on: replica)
            throw error
        }
    }

    /// The breaker's part of a failed call: a lost or refused connection and a timeout count
    /// against the replica; any answer of the service (NOT_FOUND, PERMISSION_DENIED, ...)
    /// shows it alive; a call the gateway cancelled says nothing.
    func record(_ error: RPCError, on replica: Replica) {
        switch error.status {
        case .unavailable, .deadlineExceeded:
            let wasOpen = replica.breaker.state == .open
            replica.breaker.recordFailure()
            if !wasOpen, replica.breaker.state == .open {
                logger.warning("replica ejected", metadata: ["replica": "\(replica.endpoint)", "error": "\(error)"])
            }
        case .cancelled:
            break
        default:
            replica.breaker.recordSuccess()
        }
    }

    /// The replica for the next call: the fewest calls in flight among those whose breaker
    /// lets a call through (an open one past its cool-down takes this call as its probe), ties
    /// in turn; `avoiding` is left out when there is another.
    func pick(avoiding: Replica? = nil) -> Replica {
        let count = replicas.count
        // A retry elsewhere does not take a turn: the next call starts where this one would have.
        let ticket = avoiding == nil ? turn.wrappingAdd(1, ordering: .relaxed).oldValue : turn.load(ordering: .relaxed)
        let start = Int(UInt(bitPattern: ticket) % UInt(count))
        let inTurn = (0..<count).map { replicas[(start + $0) % count] }.filter { $0 !== avoiding }
        let ordered = inTurn.enumerated().sorted { left, right in
            let (a, b) = (left.element.inFlight.load(ordering: .relaxed), right.element.inFlight.load(ordering: .relaxed))
            return a != b ? a < b : left.offset < right.offset
        }.map(\.element)
        if let open = ordered.first(where: { $0.breaker.allowCall() }) { return open }
        return ordered.first ?? replicas[start]
    }

    public func shutdown() async {
        for replica in replicas { await replica.client.shutdown() }
    }
}
