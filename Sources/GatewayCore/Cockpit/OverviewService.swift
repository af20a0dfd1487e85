import Foundation
import NIOCore
import Logging

/// The cockpit overview: one request fans out to every wired backend in parallel, each
/// within its own deadline inside an overall budget. A slow or failing backend makes its
/// section "degraded" or "unavailable" and the answer incomplete; incomplete answers are
/// never cached. Concurrent identical requests share one backend round, and complete
/// answers are reused for a short while, so a wall of screens does not multiply the load.
public actor OverviewService {
    public struct Configuration: Sendable {
        public var budget: Duration
        public var perBackend: Duration
        public var cacheTTL: Duration
        public var breakerFailures: Int
        public var breakerCoolDown: Duration
    }

    public struct Answer: Sendable {
        public var json: String
        public var complete: Bool
        /// Backend rounds made so far (for tests and metrics).
        public var round: Int
        /// The JSON's bytes, made once for every request the answer serves.
        public var body: ByteBuffer
        /// The same, gzipped once, for complete answers (the ones reused from the cache).
        public var gzipped: ByteBuffer?

        init(json: String, complete: Bool, round: Int) {
            self.json = json
            self.complete = complete
            self.round = round
            body = ByteBuffer(string: json)
            gzipped = complete ? Gzip.compress(body) : nil
        }
    }

    private let backends: [any Backend]
    private let configuration: Configuration
    private let logger: Logger
    public nonisolated let breakers: [String: CircuitBreaker]
    private var inFlight: [String: Task<Answer, Never>] = [:]
    private var cache: [String: (answer: Answer, expires: ContinuousClock.Instant)] = [:]
    public private(set) var rounds = 0

    public init(backends: [any Backend], configuration: Configuration, logger: Logger) {
        self.backends = backends
        self.configuration = configuration
        self.logger = logger
        var breakers: [String: CircuitBreaker] = [:]
        for backend in backends {
            breakers[backend.name] = CircuitBreaker(failureThreshold: configuration.breakerFailures, coolDown: configuration.breakerCoolDown)
        }
        self.breakers = breakers
    }

    /// Users who see the same data share rounds: the key is what the services decide
    /// visibility by (role and scope), so sharing never shows anyone more than their own.
    static func key(for user: GatewayUser) -> String {
        [user.role.rawValue, user.gridID ?? "", user.departmentID ?? "", user.villageID ?? ""].joined(separator: "|")
    }

    public func overview(for user: GatewayUser) async -> Answer {
        let key = Self.key(for: user)
        if let cached = cache[key], cached.expires > .now { return cached.answer }
        if let running = inFlight[key] { return await running.value }
        rounds += 1
        let round = rounds
        let task = Task { await self.fetch(for: user, round: round) }
        inFlight[key] = task
        let answer = await task.value
        inFlight[key] = nil
        if answer.complete {
            cache[key] = (answer, .now + configuration.cacheTTL)
        } else {
            cache[key] = nil
        }
        return answer
    }

    private nonisolated func fetch(for user: GatewayUser, round: Int) async -> Answer {
        let started = ContinuousClock.now
        let overallDeadline = started + configuration.budget
        let sections = await withTaskGroup(of: (Int, JSONValue, Bool).self) { group in
            for (index, backend) in backends.enumerated() {
                group.addTask {
                    let (json, ok) = await self.section(of: backend, for: user, deadline: overallDeadline)
                    return (index, json, ok)
                }
            }
            var results: [(Int, JSONValue, Bool)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
        let complete = sections.allSatisfy(\.2)
        let elapsed = ContinuousClock.now - started
        let json = JSONValue.object([
            ("complete", .bool(complete)),
            ("generatedAt", .string(ISO8601DateFormatter().string(from: Date()))),
            ("elapsedMilliseconds", .integer(elapsed.milliseconds)),
            ("services", .array(Self.serviceList(wired: Set(backends.map(\.name))))),
            ("sections", .object(zip(backends, sections).map { ($0.name, $1.1) })),
        ]).render()
        if !complete { logger.notice("partial overview", metadata: ["elapsed_ms": "\(elapsed.milliseconds)"]) }
        return Answer(json: json, complete: complete, round: round)
    }

    static func serviceList(wired: Set<String>) -> [JSONValue] {
        GatewaySettings.backendNames.map { name in
            .object([("name", .string(name)), ("wired", .bool(wired.contains(name)))])
        }
    }

    /// One backend's section and whether it is whole.
    private nonisolated func section(of backend: any Backend, for user: GatewayUser, deadline: ContinuousClock.Instant) async -> (JSONValue, Bool) {
        let breaker = breakers[backend.name]!
        func unavailable(_ reason: String) -> (JSONValue, Bool) {
            (.object([("status", .string("unavailable")), ("reason", .string(reason)), ("breaker", .string(breaker.state.rawValue))]), false)
        }
        guard breaker.allowCall() else { return unavailable("circuit open after repeated failures; retrying after a cool-down") }
        let limit = min(configuration.perBackend, deadline - .now)
        guard limit > .zero else { return unavailable("no time left in the overview's budget") }
        let started = ContinuousClock.now
        do {
            let data = try await withDeadline(limit) { try await backend.overviewSection(for: user, timeout: limit) }
            let took = (ContinuousClock.now - started).milliseconds
            if data.problems.isEmpty {
                breaker.recordSuccess()
                return (.object([("status", .string("ok")), ("elapsedMilliseconds", .integer(took)), ("data", data.data)]), true)
            }
            breaker.recordFailure()
            return (.object([
                ("status", .string("degraded")), ("reason", .string(data.problems.joined(separator: "; "))),
                ("elapsedMilliseconds", .integer(took)), ("data", data.data),
            ]), false)
        } catch {
            breaker.recordFailure()
            return unavailable(IntakeBackend.describe(error))
        }
    }
}
