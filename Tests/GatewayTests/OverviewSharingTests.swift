import Logging
import Synchronization
import Testing
@testable import GatewayCore

extension GatewaySuites {
    /// Uncached (`cacheTTL` zero), a shared round never answers a request with data from before
    /// it arrived: who comes while a round runs waits for the next one, which starts after the
    /// running one ends and serves everyone who came meanwhile.
    @Suite struct OverviewSharingTests {
        @Test func uncachedRequestsShareOnlyARoundThatStartedAfterTheyArrived() async throws {
            let backend = GatedBackend()
            let service = OverviewService(
                backends: [backend],
                configuration: .init(budget: .seconds(60), perBackend: .seconds(60), cacheTTL: .zero, breakerFailures: 5, breakerCoolDown: .seconds(1)),
                logger: Logger(label: "test"))
            let leader = GatewayUser(id: "u-leader", login: "leader", displayName: "镇长", role: .leader)
            var started = backend.started.makeAsyncIterator()

            let a = Task { await service.overview(for: leader) }
            let start1 = await started.next()
            #expect(start1 == 1)
            // A change lands after round 1 read its data; B and C come after it.
            backend.version.store(2, ordering: .relaxed)
            let b = Task { await service.overview(for: leader) }
            let c = Task { await service.overview(for: leader) }
            while await service.requestsQueuedForNextRound < 2 { await Task.yield() }
            #expect(await service.rounds == 1, "B and C wait rather than start rounds of their own")
            backend.release(1)
            let answerA = await a.value
            #expect(answerA.round == 1 && answerA.json.contains(#""version":1"#))
            // Round 2 starts only once round 1 has ended, and reads the data B and C arrived after.
            let start2 = await started.next()
            #expect(start2 == 2)
            backend.version.store(3, ordering: .relaxed)
            let d = Task { await service.overview(for: leader) }
            while await service.requestsQueuedForNextRound < 3 { await Task.yield() }
            backend.release(2)
            let (answerB, answerC) = await (b.value, c.value)
            #expect(answerB.round == 2 && answerC.round == 2, "B and C share one round")
            #expect(answerB.json.contains(#""version":2"#) && answerC.json.contains(#""version":2"#))
            // D came after round 2 started: it has round 3, with the data of after its arrival.
            let start3 = await started.next()
            #expect(start3 == 3)
            backend.release(3)
            let answerD = await d.value
            #expect(answerD.round == 3 && answerD.json.contains(#""version":3"#))
            #expect(await service.rounds == 3)
        }
    }
}

/// A backend whose calls each wait until the test releases them; a call's section shows the
/// data version as of when the call started.
private final class GatedBackend: Backend {
    let name = "gated"
    let version = Atomic<Int>(1)
    let started: AsyncStream<Int>
    private let startedContinuation: AsyncStream<Int>.Continuation
    private let state = Mutex<(calls: Int, waiting: [Int: CheckedContinuation<Void, Never>], released: Set<Int>)>((0, [:], []))

    init() { (started, startedContinuation) = AsyncStream.makeStream(of: Int.self) }

    func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        let seen = version.load(ordering: .relaxed)
        let call = state.withLock { state in
            state.calls += 1
            return state.calls
        }
        startedContinuation.yield(call)
        await withCheckedContinuation { continuation in
            let go = state.withLock { state in
                if state.released.contains(call) { return true }
                state.waiting[call] = continuation
                return false
            }
            if go { continuation.resume() }
        }
        return OverviewSectionData(data: .object([("version", .integer(Int64(seen)))]))
    }

    func release(_ call: Int) {
        let waiting = state.withLock { state in
            state.released.insert(call)
            return state.waiting.removeValue(forKey: call)
        }
        waiting?.resume()
    }

    var eventSource: (any BackendEventSource)? { nil }
    func addRoutes(to table: RouteTable) {}
    func shutdown() async {}
}
