import Foundation
import Testing

/// Live updates end to end: a change made through the gateway's API lands in intake's ledger,
/// intake streams it to the gateway over TWP, and the gateway pushes it to a browser's
/// `GET /api/events` within a second of the change's HTTP response.
@Suite(.serialized) struct LiveEventStreamTests {
    static func stop(_ suite: SuiteProcesses) {
        suite.stopAll()
    }

    /// The gateway follows intake from "live" (and again after a restart): files tickets until
    /// one's SUBMIT comes through the stream, so what a test measures next cannot fall before
    /// the feed. Returns that ticket's id.
    static func feedIsLive(_ stream: EventStreamClient, _ tickets: LiveTickets) async throws -> String {
        try await eventually("the gateway's feed from intake is live") { () -> String in
            let id = try await tickets.file(as: tickets.resident)
            _ = try await stream.next(within: .seconds(2)) { Self.isEvent($0, of: id, action: "ACTION_SUBMIT") }
            return id
        }
    }

    static func isEvent(_ block: EventStreamClient.Block, of ticket: String, action: String) -> Bool {
        guard block.field("event") == "intake", let event = block.json?["event"] as? [String: Any] else { return false }
        return (event["ticketId"] as? [String: Any])?["value"] as? String == ticket && event["action"] as? String == action
    }

    @Test func aGridWorkersAcceptReachesTheLeadersStreamWithinASecond() async throws {
        let suite = try SuiteProcesses()
        defer { Self.stop(suite) }
        let http = try await suite.startAll()
        let leader = try await http.login("leader")
        let tickets = try await LiveTickets(http: http)

        let stream = try EventStreamClient(port: suite.gatewayPort, path: "/api/events", token: leader)
        defer { stream.stop() }
        try #require(stream.status == 200, "\(stream.head)")
        #expect(stream.head.lowercased().contains("content-type: text/event-stream"), "\(stream.head)")
        _ = try await stream.next(within: .seconds(10)) { $0.comment == "connected" }

        // The gateway follows intake from "live" until its first event: file tickets until
        // one's SUBMIT comes through, so the measured change cannot fall before the feed.
        let id = try await Self.feedIsLive(stream, tickets)
        let seen = stream.count

        let (status, answer) = try await http.request("POST", "/api/intake/tickets/\(id)/accept", token: tickets.grid, body: LiveTickets.accept.body)
        let returned = ContinuousClock.now
        #expect(status == 200, "accept: \(status) \(answer)")
        let (event, _) = try await stream.next(within: .seconds(5), from: seen) { Self.isEvent($0, of: id, action: "ACTION_ACCEPT") }
        let took = event.arrived - returned
        #expect(took < .seconds(1), "the event reached the stream \(took) after the change's response")
        // The event carries the ticket as it is after the change, and who made it.
        let ticket = event.json?["ticket"] as? [String: Any]
        #expect(ticket?["status"] as? String == "TICKET_STATUS_ACCEPTED", "\(event.lines)")
        let actor = (event.json?["event"] as? [String: Any])?["actor"] as? [String: Any]
        #expect((actor?["userId"] as? [String: Any])?["value"] as? String == "u-grid", "\(event.lines)")
    }

    @Test func rolesWithoutEventsAreRefusedTheStream() async throws {
        let suite = try SuiteProcesses()
        defer { Self.stop(suite) }
        let http = try await suite.startAll()
        let seeker = try await http.login("seeker")
        let refused = try EventStreamClient(port: suite.gatewayPort, path: "/api/events", token: seeker)
        defer { refused.stop() }
        #expect(refused.status == 403, "\(refused.head)")
        #expect(refused.head.contains("the role job_seeker may not GET /api/events"), "\(refused.head)")
        let anonymous = try EventStreamClient(port: suite.gatewayPort, path: "/api/events", token: "not-a-session")
        defer { anonymous.stop() }
        #expect(anonymous.status == 401, "\(anonymous.head)")
    }

    /// Streams that never end on their own do not hold up an upgrade: intake ends the
    /// gateway's subscription when it drains (the gateway resumes it later), and the gateway
    /// ends browsers' streams on SIGTERM. Both stop well inside their 30 s drain timeouts.
    @Test func openStreamsDoNotHoldUpAStop() async throws {
        let suite = try SuiteProcesses()
        defer { Self.stop(suite) }
        let http = try await suite.startAll()
        let leader = try await http.login("leader")
        let tickets = try await LiveTickets(http: http)
        let stream = try EventStreamClient(port: suite.gatewayPort, path: "/api/events", token: leader)
        defer { stream.stop() }
        _ = try await stream.next(within: .seconds(10)) { $0.comment == "connected" }
        // The gateway's subscription to intake is up once an event comes through it.
        _ = try await Self.feedIsLive(stream, tickets)
        let intakeStop = suite.stopIntake()
        #expect(intakeStop < .seconds(10), "intake took \(intakeStop) to stop with the gateway subscribed")
        // The feed comes back by itself once intake is back, without losing the stream.
        try suite.startIntake()
        _ = try await Self.feedIsLive(stream, tickets)
        let gatewayStop = suite.stopGateway()
        #expect(gatewayStop < .seconds(10), "the gateway took \(gatewayStop) to stop with a browser's stream open")
        _ = try? await stream.next(within: .seconds(2)) { _ in false }
        #expect(stream.ended, "the browser's stream was ended, so it reconnects")
    }
}
