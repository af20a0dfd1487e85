import Foundation
import NIOCore
import Logging
import Synchronization

/// The cockpit overview: one request fans out to every wired backend in parallel, each
/// within its own deadline inside an overall budget. A slow or failing backend makes its
/// section "degraded" or "unavailable" and the answer incomplete; incomplete answers are
/// never cached. Concurrent identical requests share one backend round, and complete
/// answers are reused for a short while, so a wall of screens does not multiply the load.
///
/// Sharing never makes an answer older than a request allows: a request joins a round only if
/// the round started at or after (its arrival − `cacheTTL`), and only if no change was
/// announced since the round started. With `cacheTTL` zero, every answer reflects the data as of
/// after its request arrived: a request that comes while its audience's round runs waits for the
/// next round, which starts when that one ends and is shared by everyone who came meanwhile (one
/// round at a time per audience, each serving all the requests of the one before).
///
/// A reused answer is read under a lock, without entering the actor: a cached hit costs a
/// lookup. When it has just expired (by `cacheTTL` or `invalidate()`, a backend event), it is
/// still sent, for at most `cacheTTL` + `budget` past its expiry, while one round in the
/// background fetches the next: readers never wait for a round while there is a recent answer
/// (with `cacheTTL` zero nothing is reused, stale or not). `currentOverview` waits for the
/// round instead. A round whose content did not change keeps the previous answer (same bytes,
/// same ETag), so browsers revalidating with `If-None-Match` get 304.
public actor OverviewService {
    public struct Configuration: Sendable {
        public var budget: Duration
        public var perBackend: Duration
        public var cacheTTL: Duration
        public var breakerFailures: Int
        public var breakerCoolDown: Duration
    }

    /// Complete answers by audience (`key(for:)`), and how many changes have been announced.
    private struct Published {
        var answers: [String: (answer: Answer, expires: ContinuousClock.Instant)] = [:]
        var generation = 0
        /// Audiences whose stale answer is being sent while a background round fetches the next.
        var refreshing: Set<String> = []
    }

    private enum Lookup {
        case fresh(Answer)
        /// Expired but recent; `refresh`: no background round runs for it yet.
        case stale(Answer, refresh: Bool)
        case none
    }

    private let backends: [any Backend]
    private let configuration: Configuration
    private let logger: Logger
    public nonisolated let breakers: [String: CircuitBreaker]
    /// The round running for each audience: when it started, and the change generation then.
    private var inFlight: [String: (task: Task<Answer, Never>, started: ContinuousClock.Instant, generation: Int)] = [:]
    /// The round that starts, for each audience, when its running round ends; shared by the
    /// requests that came too late to join the running one.
    private var next: [String: Task<Answer, Never>] = [:]
    private nonisolated let published = Mutex(Published())
    public private(set) var rounds = 0
    /// Requests that waited for the next round because the running one started before they
    /// arrived (for tests and metrics).
    public private(set) var requestsQueuedForNextRound = 0

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

    /// The overview for `user`'s audience: a cached answer, a recent one while the next is
    /// fetched, or a new round's.
    public nonisolated func overview(for user: GatewayUser) async -> Answer {
        let key = Self.key(for: user)
        let arrived = ContinuousClock.now
        switch lookup(key) {
        case .fresh(let answer): return answer
        case .stale(let answer, let refresh):
            if refresh { Task { _ = await self.round(for: user, key: key, arrived: arrived) } }
            return answer
        case .none: return await round(for: user, key: key, arrived: arrived)
        }
    }

    /// The overview as of now: a cached answer that has not expired, or a new round's (never a
    /// stale one). What the event stream announces.
    public nonisolated func currentOverview(for user: GatewayUser) async -> Answer {
        let key = Self.key(for: user)
        let arrived = ContinuousClock.now
        if case .fresh(let answer) = lookup(key) { return answer }
        return await round(for: user, key: key, arrived: arrived)
    }

    /// Something changed at a backend: no answer made before this call is reused, and a round
    /// already under way is neither joined nor cached by requests after it.
    public nonisolated func invalidate() {
        let now = ContinuousClock.now
        published.withLock { published in
            published.generation += 1
            for key in published.answers.keys { published.answers[key]?.expires = now }
        }
    }

    private nonisolated func lookup(_ key: String) -> Lookup {
        let now = ContinuousClock.now
        let staleFor = configuration.cacheTTL + configuration.budget
        return published.withLock { published in
            guard let entry = published.answers[key] else { return .none }
            if entry.expires > now { return .fresh(entry.answer) }
            guard configuration.cacheTTL > .zero, now - entry.expires < staleFor else { return .none }
            return .stale(entry.answer, refresh: published.refreshing.insert(key).inserted)
        }
    }

    /// An answer made by a round that started no earlier than `arrived` − `cacheTTL`: a cached
    /// one, the running round's, the next round's (started when the running one ends), or a new
    /// round's.
    private func round(for user: GatewayUser, key: String, arrived: ContinuousClock.Instant) async -> Answer {
        // Another round may have been published while this request waited for the actor.
        if case .fresh(let answer) = lookup(key) {
            _ = published.withLock { $0.refreshing.remove(key) }
            return answer
        }
        let generation = published.withLock { $0.generation }
        if let running = inFlight[key], running.generation == generation, running.started >= arrived - configuration.cacheTTL {
            return await running.task.value
        }
        // The next round has not started yet, so it starts after this request arrived.
        if let queued = next[key] {
            requestsQueuedForNextRound += 1
            return await queued.value
        }
        guard let running = inFlight[key] else { return await startRound(for: user, key: key, queued: false) }
        requestsQueuedForNextRound += 1
        let queued = Task {
            _ = await running.task.value
            return await self.startRound(for: user, key: key, queued: true)
        }
        next[key] = queued
        return await queued.value
    }

    /// Runs a round for the audience `key` and publishes its answer; `queued`: it is the one
    /// `next` holds, which from now on no request joins (they came after it started).
    private func startRound(for user: GatewayUser, key: String, queued: Bool) async -> Answer {
        if queued { next[key] = nil }
        let generation = published.withLock { $0.generation }
        rounds += 1
        let round = rounds
        let task = Task { await self.fetch(for: user, round: round) }
        inFlight[key] = (task, ContinuousClock.now, generation)
        let answer = await task.value
        if inFlight[key]?.task == task { inFlight[key] = nil }
        return publish(answer, key: key, generation: generation)
    }

    /// Caches a complete answer (or, when its content is the previous one's, the previous answer
    /// again) and returns what to send; a partial answer ends the reuse of the previous one.
    private nonisolated func publish(_ answer: Answer, key: String, generation: Int) -> Answer {
        let now = ContinuousClock.now
        let ttl = configuration.cacheTTL
        return published.withLock { published in
            published.refreshing.remove(key)
            guard answer.complete else {
                published.answers[key] = nil
                return answer
            }
            let previous = published.answers[key]?.answer
            let kept = previous.flatMap { $0.etag == answer.etag ? $0 : nil } ?? answer
            // A round that began before a change was announced may not show it: send it, but
            // do not reuse it.
            published.answers[key] = (kept, published.generation == generation ? now + ttl : now)
            return kept
        }
    }

    private nonisolated func fetch(for user: GatewayUser, round: Int) async -> Answer {
        let started = ContinuousClock.now
        let overallDeadline = started + configuration.budget
        let sections = await withTaskGroup(of: (Int, Section).self) { group in
            for (index, backend) in backends.enumerated() {
                group.addTask { (index, await self.section(of: backend, for: user, deadline: overallDeadline)) }
            }
            var results: [(Int, Section)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let complete = sections.allSatisfy(\.whole)
        let elapsed = ContinuousClock.now - started
        var drillDowns: [String: String] = [:]
        let compacted = zip(backends, sections).map { backend, section in
            var section = section
            if let data = section.data {
                let (compact, lists) = OverviewCompaction.compact(backend: backend.name, data: data)
                section.data = compact
                drillDowns.merge(lists) { first, _ in first }
            }
            return (backend.name, section)
        }
        let services = JSONValue.array(Self.serviceList(wired: Set(backends.map(\.name))))
        let json = JSONValue.object([
            ("complete", .bool(complete)),
            ("generatedAt", .string(ISO8601DateFormatter().string(from: Date()))),
            ("elapsedMilliseconds", .integer(elapsed.milliseconds)),
            ("services", services),
            ("sections", .object(compacted.map { ($0, $1.json(withTiming: true)) })),
        ]).render()
        // What the answer shows, without when it was made or how long it took: its ETag.
        let content = JSONValue.object([
            ("services", services),
            ("sections", .object(compacted.map { ($0, $1.json(withTiming: false)) })),
            ("drillDowns", .object(drillDowns.sorted { $0.key < $1.key }.map { ($0.key, .raw($0.value)) })),
        ]).render()
        if !complete { logger.notice("partial overview", metadata: ["elapsed_ms": "\(elapsed.milliseconds)"]) }
        return Answer(
            json: json, complete: complete, round: round, digestOf: content,
            drillDowns: drillDowns.mapValues { ByteBuffer(string: $0) })
    }

    static func serviceList(wired: Set<String>) -> [JSONValue] {
        GatewaySettings.backendNames.map { name in
            .object([("name", .string(name)), ("wired", .bool(wired.contains(name)))])
        }
    }

    /// One backend's part of an answer.
    private struct Section: Sendable {
        var status: String
        var reason: String?
        var breaker: String?
        var elapsedMilliseconds: Int64?
        var data: JSONValue?
        /// Whether it is whole (status "ok").
        var whole: Bool

        func json(withTiming: Bool) -> JSONValue {
            var members: [(String, JSONValue)] = [("status", .string(status))]
            if let reason { members.append(("reason", .string(reason))) }
            if let breaker { members.append(("breaker", .string(breaker))) }
            if withTiming, let elapsedMilliseconds { members.append(("elapsedMilliseconds", .integer(elapsedMilliseconds))) }
            if let data { members.append(("data", data)) }
            return .object(members)
        }
    }

    /// One backend's section and whether it is whole.
    private nonisolated func section(of backend: any Backend, for user: GatewayUser, deadline: ContinuousClock.Instant) async -> Section {
        let breaker = breakers[backend.name]!
        func unavailable(_ reason: String) -> Section {
            Section(status: "unavailable", reason: reason, breaker: breaker.state.rawValue, whole: false)
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
                return Section(status: "ok", elapsedMilliseconds: took, data: data.data, whole: true)
            }
            breaker.recordFailure()
            return Section(status: "degraded", reason: data.problems.joined(separator: "; "), elapsedMilliseconds: took, data: data.data, whole: false)
        } catch {
            breaker.recordFailure()
            return unavailable(IntakeBackend.describe(error))
        }
    }
}
