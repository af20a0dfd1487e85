import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Live updates: intake's ledger events reach browsers by SSE, filtered by role, and the
    /// gateway's subscription resumes after intake restarts.
    @Suite struct EventStreamTests {
        /// Until intake has `count` subscribers (one per open event stream).
        static func waitForSubscription(_ harness: GatewayHarness, count: Int = 1) async throws {
            for _ in 0..<100 where harness.intake.subscriberCount < count { try await Task.sleep(for: .milliseconds(50)) }
            try #require(harness.intake.subscriberCount >= count, "the gateway never subscribed to intake's events")
        }

        @Test func aChangeReachesAnSSEClientWithinASecond() async throws {
            try await withGateway { harness in
                let ticket = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                let leader = try await harness.login("leader")
                let grid = try await harness.login("grid")
                async let stream = harness.client.readEventStreamTimed("/api/events", token: leader, timeout: .seconds(3)) { $0.contains("ACTION_ACCEPT") }
                try await Self.waitForSubscription(harness)
                let accepted = try await harness.client.request(
                    "POST", "/api/intake/tickets/\(ticket.id.value)/accept", token: grid, body: #"{"classification":{"categoryId":{"value":"c-power"}}}"#)
                #expect(accepted.status == 200)
                let (text, arrived) = try await stream
                // From the change at intake to the browser's socket.
                let changed = try #require(harness.intake.lastChangeAt.withLock { $0 })
                let took = try #require(arrived, "no event arrived") - changed
                #expect(text.contains("text/event-stream"))
                #expect(text.contains("ACTION_ACCEPT"), "no event in: \(text.prefix(500))")
                #expect(took < .seconds(1), "the event took \(took)")
                // Leaders see the reporter; the event carries the ticket as intake sent it.
                #expect(text.contains("13800005678"))
            }
        }

        @Test func eachViewerSeesOnlyTheirOwnScope() async throws {
            try await withGateway { harness in
                let mine = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", department: "dept-social", status: .dispatched)
                let other = harness.intake.seed(village: "v-west", grid: "g-west-1", category: "c-power", department: "d-other", status: .dispatched, submitter: "u-someone")
                let leader = try await harness.login("leader")
                let grid = try await harness.login("grid")
                let dept = try await harness.login("dept")
                let resident = try await harness.login("resident")
                let seeker = try await harness.login("seeker")
                let response45 = try await harness.client.request("GET", "/api/events", token: seeker)
                #expect(response45.status == 403)

                func read(_ token: String) async throws -> String {
                    try await harness.client.readEventStream("/api/events", token: token, timeout: .milliseconds(1500)) { $0.components(separatedBy: "event: intake").count > 2 }
                }
                async let leaderSees = read(leader)
                async let gridSees = read(grid)
                async let deptSees = read(dept)
                async let residentSees = read(resident)
                try await Self.waitForSubscription(harness, count: 4)
                let admin = try await harness.login("admin")
                for ticket in [mine, other] {
                    let signed = try await harness.client.request("POST", "/api/intake/tickets/\(ticket.id.value)/close", token: admin, body: "{}")
                    #expect(signed.status == 200)
                }
                let (l, g, d, r) = try await (leaderSees, gridSees, deptSees, residentSees)
                for (name, text, seesMine, seesOther) in [("leader", l, true, true), ("grid", g, true, false), ("dept", d, true, false), ("resident", r, true, false)] {
                    #expect(text.contains("\"\(mine.id.value)\"") == seesMine, "\(name) mine")
                    #expect(text.contains("\"\(other.id.value)\"") == seesOther, "\(name) other")
                }
                // Personal data only for leaders (intake masks it for everyone else).
                #expect(l.contains("13800005678"))
                #expect(!g.contains("13800005678") && !d.contains("13800005678") && !r.contains("13800005678"))
            }
        }

        @Test func theStreamEndsOnceItsSessionIsSignedOut() async throws {
            try await withGateway(tweak: { $0.eventHeartbeat = .milliseconds(200) }) { harness in
                let leader = try await harness.login("leader")
                async let stream = harness.client.readEventStreamTimed("/api/events", token: leader, timeout: .seconds(3)) {
                    $0.contains("\r\n0\r\n\r\n")  // the end of the chunked body
                }
                try await Task.sleep(for: .milliseconds(500))
                let signedOut = try await harness.client.request("POST", "/api/auth/logout", token: leader)
                #expect(signedOut.status == 204)
                let (text, ended) = try await stream
                #expect(text.contains(": heartbeat"))
                #expect(ended != nil, "the stream outlived its session: \(text.suffix(200))")
            }
        }

        @Test func aStreamResumesFromItsLastPositionAfterIntakeRestarts() async throws {
            try await withGateway { harness in
                let ticket = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                let leader = try await harness.login("leader")
                async let stream = harness.client.readEventStream("/api/events", token: leader, timeout: .seconds(8)) { $0.contains("ACTION_DISPATCH") }
                try await Self.waitForSubscription(harness)
                let first = try await harness.client.request("POST", "/api/intake/tickets/\(ticket.id.value)/accept", token: leader, body: #"{"classification":{"categoryId":{"value":"c-power"}}}"#)
                #expect(first.status == 200)
                await harness.killIntake()
                try await harness.restartIntake()
                // The stream's follower comes back on its own.
                try await Self.waitForSubscription(harness)
                let second = try await harness.client.request("POST", "/api/intake/tickets/\(ticket.id.value)/dispatch", token: leader, body: #"{"departmentDispatch":{"departmentId":{"value":"dept-social"}}}"#)
                #expect(second.status == 200)
                let text = try await stream
                #expect(text.contains("ACTION_DISPATCH"))
                // Resumed after position 1: the accept event was not delivered twice.
                #expect(text.components(separatedBy: "ACTION_ACCEPT").count == 2, "\(text)")
                #expect(text.contains("id: 1\n") && text.contains("id: 2\n"))
            }
        }
    }
}
