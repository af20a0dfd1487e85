import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// The cockpit page with the compact overview: the whole list of open tickets loads when its
    /// panel is opened, and the page refetches the overview once per `overview` event, not once
    /// per ticket event. Skipped only when chromium is not installed.
    @Suite(.serialized) struct OverviewBrowserTests {
        @Test(.enabled(if: BrowserTests.chromium != nil, "chromium is not installed: apt-get install -y chromium (CI installs it)"))
        func openingTheOpenTicketsPanelLoadsTheWholeList() async throws {
            try await withGateway { harness in
                for i in 0..<8 { harness.intake.seed(village: "V01", category: "c-power", status: .inProgress, overdue: i == 7) }
                let token = try await harness.login("leader")
                let url = "http://127.0.0.1:\(harness.client.port)/#token=\(token)&live=off"
                let closed = try await Task.detached { try BrowserTests.run(["--virtual-time-budget=8000", "--dump-dom", url]) }.value
                #expect(closed.contains("data-rendered=\"true\""), "the page did not render: \(closed.prefix(800))")
                // At a glance: the five most urgent, the overdue one first; the rest not loaded.
                #expect(closed.matches(of: /data-ticket="/).count == 5)
                #expect(closed.firstMatch(of: /data-ticket="([^"]+)"/)?.output.1 == "t-8")
                #expect(closed.contains("(8)</summary>"), "\(closed.suffix(1500))")
                let opened = try await Task.detached { try BrowserTests.run(["--virtual-time-budget=8000", "--dump-dom", url + "&open=all"]) }.value
                #expect(opened.contains("data-loaded=\"8\""), "\(opened.suffix(2500))")
                #expect(opened.matches(of: /data-ticket="/).count == 5 + 8)
            }
        }

        @Test(.enabled(if: BrowserTests.chromium != nil, "chromium is not installed: apt-get install -y chromium (CI installs it)"))
        func anActionOnATicketMakesOneOverviewRefetchNotOnePerEvent() async throws {
            let tweak: (inout GatewaySettings) -> Void = {
                $0.eventHeartbeat = .milliseconds(200)
                $0.overviewNoticeInterval = .milliseconds(1000)
            }
            try await withGateway(tweak: tweak) { harness in
                let ticket = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                let token = try await harness.login("leader")
                let url = "http://127.0.0.1:\(harness.client.port)/#token=\(token)"
                // With its event stream open the page's virtual clock waits on the network: it
                // ends, and the DOM is dumped, once the stream is closed (below, by signing out).
                async let dom = Task.detached { try BrowserTests.run(["--virtual-time-budget=4000", "--dump-dom", url], timeout: 90) }.value
                try await EventStreamTests.waitForSubscription(harness)
                // A second stream, to learn when the page has had its notice.
                async let notice = harness.client.readEventStream("/api/events", token: token, timeout: .seconds(10)) { $0.contains("event: overview") }
                try await EventStreamTests.waitForSubscription(harness, count: 2)
                for (action, body) in [
                    ("accept", #"{"classification":{"categoryId":{"value":"c-power"}}}"#),
                    ("dispatch", #"{"departmentDispatch":{"departmentId":{"value":"dept-social"}}}"#),
                ] {
                    let response = try await harness.client.request("POST", "/api/intake/tickets/\(ticket.id.value)/\(action)", token: token, body: body)
                    #expect(response.status == 200)
                }
                // Both streams' notices come from one shared round, at the same moment: once this
                // one has it, so has the page, whose refetch starts as it arrives.
                let seen = try await notice
                #expect(seen.contains("event: overview"), "\(seen)")
                // Ends the page's stream at the next heartbeat (and so its virtual time budget).
                #expect(try await harness.client.request("POST", "/api/auth/logout", token: token).status == 204)
                let text = try await dom
                #expect(text.contains("data-rendered=\"true\""), "the page did not render: \(text.prefix(800))")
                // Two ticket events on the live list, one refetch for them.
                let live = text.firstMatch(of: /<ol id="live" class="live">(.*?)<\/ol>/)?.output.1 ?? ""
                #expect(live.matches(of: /<li>/).count == 2, "\(text.suffix(2000))")
                #expect(text.contains("data-loads-start=\"1\""))
                #expect(text.contains("data-loads-notice=\"1\""), "\(text.prefix(600))")
                // No fetch for any other reason (ticket events, the fallback timer, a reconnect).
                #expect(text.matches(of: /data-loads-/).count == 2, "\(text.prefix(600))")
            }
        }
    }
}
