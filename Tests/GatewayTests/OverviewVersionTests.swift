import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// The overview's version: a strong ETag from what it shows, 304 for a browser that has it,
    /// the compact answer with its drill-down, and the event stream's `overview` notice.
    @Suite struct OverviewVersionTests {
        static let path = "/api/cockpit/overview"

        @Test func anUnchangedOverviewIsAnsweredWith304AndAChangedOneWithANewETag() async throws {
            try await withGateway(tweak: { $0.overviewCacheTTL = .zero }) { harness in
                harness.intake.seed(village: "V01", category: "c-power", status: .signed, overdue: true)
                let token = try await harness.login("leader")
                let first = try await harness.client.request("GET", Self.path, token: token)
                #expect(first.status == 200)
                let etag = try #require(first.headers["etag"])
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"))
                #expect(first.headers["cache-control"] == "private, no-cache")
                // A new round (no cache) that finds nothing new: the same version, the same bytes.
                let second = try await harness.client.request("GET", Self.path, token: token)
                #expect(second.headers["etag"] == etag && second.body == first.body)
                for tag in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                    let revalidated = try await harness.client.request("GET", Self.path, token: token, headers: ["If-None-Match": tag])
                    #expect(revalidated.status == 304, "\(tag)")
                    #expect(revalidated.body.isEmpty && revalidated.headers["etag"] == etag)
                    #expect(revalidated.headers["cache-control"] == "private, no-cache")
                }
                let gzipped = try await harness.client.request("GET", Self.path, token: token, headers: ["If-None-Match": etag, "Accept-Encoding": "gzip"])
                #expect(gzipped.status == 304)
                #expect(try await harness.client.request("GET", Self.path, token: token, headers: ["If-None-Match": "\"other\""]).status == 200)

                harness.intake.seed(village: "V01", category: "c-road", status: .submitted)
                let changed = try await harness.client.request("GET", Self.path, token: token, headers: ["If-None-Match": etag])
                #expect(changed.status == 200)
                #expect(changed.headers["etag"] != nil && changed.headers["etag"] != etag)
                // Sign-in still comes first: no 304 (nor anything else) without a session.
                #expect(try await harness.client.request("GET", Self.path, headers: ["If-None-Match": etag]).status == 401)
            }
        }

        @Test func theOverviewShowsTheMostUrgentOpenTicketsAndTheWholeListIsADrillDown() async throws {
            try await withGateway { harness in
                for i in 0..<7 { harness.intake.seed(village: "V01", category: "c-power", status: .inProgress, overdue: i == 6) }
                let token = try await harness.login("leader")
                let overview = try await harness.client.request("GET", Self.path, token: token)
                let intake = try #require(((overview.object["sections"] as? [String: Any])?["intake"] as? [String: Any])?["data"] as? [String: Any])
                let shown = try #require(intake["openTickets"] as? [[String: Any]])
                #expect(shown.count == 5)
                #expect(intake["openTicketsCount"] as? Int == 7)
                #expect(intake["openTicketsDrillDown"] as? String == "/api/cockpit/intake/open-tickets")
                // The overdue one first, in the overview and in the drill-down.
                #expect((shown.first?["id"] as? [String: Any])?["value"] as? String == "t-7")
                let drillDown = try await harness.client.request("GET", "/api/cockpit/intake/open-tickets", token: token)
                #expect(drillDown.status == 200)
                let all = try #require(drillDown.object["openTickets"] as? [[String: Any]])
                #expect(all.count == 7)
                #expect((all.first?["id"] as? [String: Any])?["value"] as? String == "t-7")
                // The same version as the overview it belongs to.
                #expect(drillDown.headers["etag"] == overview.headers["etag"])
                let resident = try await harness.login("resident")
                #expect(try await harness.client.request("GET", "/api/cockpit/intake/open-tickets", token: resident).status == 403)
            }
        }

        @Test func aBurstOfTicketEventsMakesOneOverviewEventWithTheNewETag() async throws {
            try await withGateway(tweak: { $0.overviewNoticeInterval = .milliseconds(1500) }) { harness in
                let ticket = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                let leader = try await harness.login("leader")
                let before = try await harness.client.request("GET", Self.path, token: leader)
                let grid = try await harness.login("grid")
                async let leaderStream = harness.client.readEventStream("/api/events", token: leader, timeout: .seconds(8)) {
                    $0.contains("event: overview")
                }
                // The grid worker has no overview: no notices on that stream.
                async let gridStream = harness.client.readEventStream("/api/events", token: grid, timeout: .seconds(4)) { _ in false }
                try await EventStreamTests.waitForSubscription(harness, count: 2)
                let accepted = try await harness.client.request(
                    "POST", "/api/intake/tickets/\(ticket.id.value)/accept", token: leader, body: #"{"classification":{"categoryId":{"value":"c-power"}}}"#)
                let dispatched = try await harness.client.request(
                    "POST", "/api/intake/tickets/\(ticket.id.value)/dispatch", token: leader, body: #"{"departmentDispatch":{"departmentId":{"value":"dept-social"}}}"#)
                #expect(accepted.status == 200 && dispatched.status == 200)
                let text = try await leaderStream
                #expect(text.components(separatedBy: "event: intake").count == 3, "\(text)")
                #expect(text.components(separatedBy: "event: overview").count == 2, "\(text)")
                // The notice names the version the overview now has (the cache was invalidated).
                let after = try await harness.client.request("GET", Self.path, token: leader)
                let etag = try #require(after.headers["etag"])
                #expect(etag != before.headers["etag"])
                #expect(text.contains(#"event: overview"# + "\n" + #"data: {"etag":"\#(etag.replacingOccurrences(of: "\"", with: "\\\""))"}"#), "\(text)")
                let gridText = try await gridStream
                #expect(gridText.contains("event: intake") && !gridText.contains("event: overview"))
            }
        }
    }
}
