import GatewayCore
import Testing

extension GatewaySuites {
    /// The cockpit overview under failure: partial within the deadline, whole again after a
    /// restart, coalesced and briefly cached when whole, never cached when partial.
    @Suite struct OverviewTests {
        /// Generous deadlines for tests about sharing and reuse: a busy test machine must not make
        /// a round incomplete (incomplete rounds are rightly not cached).
        static func generousDeadlines(cacheTTL: Duration) -> (inout GatewaySettings) -> Void {
            { settings in
                settings.overviewCacheTTL = cacheTTL
                settings.overviewBudget = .seconds(5)
                settings.overviewBackendTimeout = .seconds(5)
            }
        }

        static func sections(_ response: HTTPTestClient.Response) -> [String: [String: Any]] {
            (response.object["sections"] as? [String: [String: Any]]) ?? [:]
        }

        @Test func aKilledBackendGivesAPartialAnswerInTimeThenAWholeOneAfterItRestarts() async throws {
            let canteen = StaticBackend(name: "canteen-meals")
            try await withGateway(tweak: { $0.overviewCacheTTL = .zero; $0.breakerFailures = 10 }, extraBackends: [canteen]) { harness in
                harness.intake.seed(village: "V01", category: "c-power", status: .signed, overdue: true)
                let token = try await harness.login("leader")

                let whole = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                #expect(whole.status == 200)
                #expect(whole.object["complete"] as? Bool == true)
                #expect(Self.sections(whole)["intake"]?["status"] as? String == "ok")

                // Killed while an overview is under way: the intake call hangs, then the process goes.
                harness.intake.statisticsDelay.withLock { $0 = .seconds(5) }
                let clock = ContinuousClock()
                let started = clock.now
                async let during = harness.client.request("GET", "/api/cockpit/overview", token: token)
                try await Task.sleep(for: .milliseconds(100))
                await harness.killIntake()
                let partial = try await during
                let took = clock.now - started
                #expect(partial.status == 200)
                // The gateway's own clock: the fan-out ended within the overall budget (800 ms);
                // the wall clock adds the HTTP round trip on a busy test machine.
                #expect((partial.object["elapsedMilliseconds"] as? Int ?? .max) <= 900)
                #expect(took < .milliseconds(2000), "answered after \(took)")
                #expect(partial.object["complete"] as? Bool == false)
                #expect(Self.sections(partial)["intake"]?["status"] as? String != "ok")
                #expect(Self.sections(partial)["canteen-meals"]?["status"] as? String == "ok")
                #expect(partial.headers["cache-control"] == "no-store")

                // While it is down: partial, fast (connection refused), with a reason.
                let down = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                #expect(down.object["complete"] as? Bool == false)
                #expect(Self.sections(down)["intake"]?["status"] as? String == "unavailable")
                let reason = Self.sections(down)["intake"]?["reason"] as? String
                #expect(reason?.isEmpty == false)

                // Restarted: whole again.
                harness.intake.statisticsDelay.withLock { $0 = .zero }
                try await harness.restartIntake()
                var complete = false
                for _ in 0..<50 where !complete {
                    let again = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                    complete = again.object["complete"] as? Bool == true
                    if !complete { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(complete)
            }
        }

        @Test func aHungBackendIsCutAtItsOwnDeadline() async throws {
            try await withGateway(tweak: { $0.overviewBackendTimeout = .milliseconds(300); $0.overviewBudget = .milliseconds(500) }) { harness in
                let token = try await harness.login("leader")
                harness.intake.statisticsDelay.withLock { $0 = .seconds(3) }
                let clock = ContinuousClock()
                let started = clock.now
                let response = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                let took = clock.now - started
                #expect((response.object["elapsedMilliseconds"] as? Int ?? .max) <= 600)
                #expect(took < .milliseconds(1500), "answered after \(took)")
                #expect(response.object["complete"] as? Bool == false)
                // Open tickets still came: the section is degraded, not lost.
                let intake = try #require(Self.sections(response)["intake"])
                #expect(intake["status"] as? String == "degraded" || intake["status"] as? String == "unavailable")
            }
        }

        @Test func concurrentRequestsShareOneRoundAndWholeAnswersAreReusedBriefly() async throws {
            try await withGateway(tweak: Self.generousDeadlines(cacheTTL: .seconds(30))) { harness in
                let token = try await harness.login("leader")
                // The mutual-TLS connection to intake is made before the burst.
                let warm = try await harness.client.request("GET", "/api/intake/villages", token: token)
                #expect(warm.status == 200)
                harness.intake.statisticsDelay.withLock { $0 = .milliseconds(300) }
                try await withThrowingTaskGroup(of: Bool?.self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await harness.client.request("GET", "/api/cockpit/overview", token: token).object["complete"] as? Bool }
                    }
                    for try await complete in group { #expect(complete == true) }
                }
                #expect(harness.intake.statisticsCalls.load(ordering: .relaxed) == 1)
                _ = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                #expect(harness.intake.statisticsCalls.load(ordering: .relaxed) == 1)
            }
        }

        @Test func anExpiredAnswerIsSentAtOnceWhileOneBackgroundRoundFetchesTheNext() async throws {
            try await withGateway(tweak: Self.generousDeadlines(cacheTTL: .milliseconds(200))) { harness in
                let token = try await harness.login("leader")
                let first = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                #expect(first.object["complete"] as? Bool == true)
                harness.intake.statisticsDelay.withLock { $0 = .seconds(2) }
                // Past the answer's 200 ms, inside its stale window (200 ms + the 5 s budget).
                try await Task.sleep(for: .milliseconds(300))
                let clock = ContinuousClock()
                let started = clock.now
                let stale = try await withThrowingTaskGroup(of: HTTPTestClient.Response.self) { group in
                    for _ in 0..<5 { group.addTask { try await harness.client.request("GET", "/api/cockpit/overview", token: token) } }
                    var last: HTTPTestClient.Response?
                    for try await response in group { last = response }
                    return last!
                }
                #expect(clock.now - started < .seconds(1), "a reader waited for the round")
                #expect(stale.headers["etag"] == first.headers["etag"])
                // One background round for the five readers.
                var calls = 0
                for _ in 0..<100 where calls < 2 {
                    calls = harness.intake.statisticsCalls.load(ordering: .relaxed)
                    if calls < 2 { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(calls == 2)
            }
        }

        @Test func theBreakerOpensAfterRepeatedFailuresAndProbesAfterTheCoolDown() async throws {
            try await withGateway(tweak: { $0.breakerFailures = 2; $0.breakerCoolDown = .seconds(2); $0.overviewCacheTTL = .zero }) { harness in
                let token = try await harness.login("leader")
                await harness.killIntake()
                for _ in 0..<2 { _ = try await harness.client.request("GET", "/api/cockpit/overview", token: token) }
                let open = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                let section = try #require(Self.sections(open)["intake"])
                #expect(section["breaker"] as? String == "open")
                #expect((section["reason"] as? String)?.contains("circuit open") == true)
                let calls = harness.intake.statisticsCalls.load(ordering: .relaxed)
                try await harness.restartIntake()
                // Still open until the cool-down ends, though intake is back.
                let stillOpen = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                #expect(Self.sections(stillOpen)["intake"]?["breaker"] as? String == "open")
                try await Task.sleep(for: .milliseconds(2100))
                var complete = false
                for _ in 0..<30 where !complete {
                    complete = try await harness.client.request("GET", "/api/cockpit/overview", token: token).object["complete"] as? Bool == true
                    if !complete { try await Task.sleep(for: .milliseconds(150)) }
                }
                #expect(complete)
                #expect(harness.intake.statisticsCalls.load(ordering: .relaxed) > calls)
            }
        }
    }
}
