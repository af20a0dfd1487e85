import Foundation
import GatewayCore
import Testing

/// A canteen-meals backend that answers the overview with fixed figures, as the service's
/// GetMealFigures, GetCoverage and ListCanteens would (proto3 JSON).
struct FixedCanteenBackend: Backend {
    let name = "canteen-meals"
    static let figures = #"""
        {"day":{"year":2026,"month":12,"day":2},"canteens":[
          {"canteenId":{"value":"K01"},"name":"老年食堂1","mealsOnDay":"37","mealsInMonth":"412"},
          {"canteenId":{"value":"K02"},"name":"老年食堂2","mealsOnDay":"21","mealsInMonth":"230"}],
         "eldersByTier":[{"tier":"AGE_TIER_60_TO_69","elders":"6452"},{"tier":"AGE_TIER_70_TO_79","elders":"4291"},{"tier":"AGE_TIER_80_PLUS","elders":"1825"}]}
        """#
    static let coverage = #"""
        {"radiusMeters":769.23,"covered":"7","total":"10",
         "communities":[{"communityId":{"value":"C01"},"covered":"5","total":"6"},{"communityId":{"value":"C02"},"covered":"2","total":"4"}],
         "uncovered":[{"elderId":{"value":"E000008"},"home":{"latitude":30.552,"longitude":117.015}},
                      {"elderId":{"value":"E000009"},"home":{"latitude":30.538,"longitude":116.996}},
                      {"elderId":{"value":"E000010"},"home":{"latitude":30.549,"longitude":116.999}}]}
        """#
    static let canteens = #"""
        {"canteens":[
          {"canteenId":{"value":"K01"},"name":"老年食堂1","status":"CANTEEN_STATUS_OPERATING","location":{"latitude":30.545,"longitude":117.005}},
          {"canteenId":{"value":"K02"},"name":"老年食堂2","status":"CANTEEN_STATUS_UNDER_CONSTRUCTION","location":{"latitude":30.541,"longitude":117.011}}]}
        """#

    func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        OverviewSectionData(data: .object([("figures", .raw(Self.figures)), ("coverage", .raw(Self.coverage)), ("canteens", .raw(Self.canteens))]))
    }
    var eventSource: (any BackendEventSource)? { nil }
    func addRoutes(to table: RouteTable) {}
    func shutdown() async {}
}

extension GatewaySuites {
    /// Headless Chromium draws the cockpit's canteen panel (cockpit-canteen.js) from the
    /// overview: a bar per canteen for today and this month, one per tier and per community,
    /// and the map with a circle per canteen and a dot per uncovered elder.
    @Suite(.serialized) struct CanteenPanelBrowserTests {
        @Test(.enabled(if: BrowserTests.chromium != nil, "chromium is not installed: apt-get install -y chromium (CI installs it)"))
        func theCanteenPanelDrawsTheOverview() async throws {
            try await withGateway(extraBackends: [FixedCanteenBackend()]) { harness in
                let token = try await harness.login("leader")
                let url = "http://127.0.0.1:\(harness.client.port)/#token=\(token)&live=off"
                let dom = try await Task.detached { try BrowserTests.run(["--virtual-time-budget=8000", "--dump-dom", url]) }.value
                #expect(dom.contains("data-rendered=\"true\""), "the page did not render: \(dom.prefix(800))")
                let panel = try #require(dom.range(of: "id=\"canteen-panel\"").map { String(dom[$0.lowerBound...]) }, "no canteen panel")
                #expect(panel.contains("老年助餐"))
                // Today's bars carry today's figures; the month's the month's.
                let today = try #require(panel.range(of: "id=\"canteen-meals-today\"").map { String(panel[$0.lowerBound...].prefix(3000)) })
                #expect(today.contains("data-chart-value=\"K01\">37<") && today.contains("data-chart-value=\"K02\">21<"), "\(today)")
                let month = try #require(panel.range(of: "id=\"canteen-meals-month\"").map { String(panel[$0.lowerBound...].prefix(3000)) })
                #expect(month.contains("data-chart-value=\"K01\">412<"), "\(month)")
                #expect(panel.contains("data-chart-value=\"AGE_TIER_80_PLUS\">1825<"))
                #expect(panel.contains("data-chart-value=\"C02\">2<"))
                #expect(panel.contains("C01 83%"))
                let map = try #require(panel.range(of: "id=\"canteen-map\"").map { String(panel[$0.lowerBound...]) })
                #expect(map.components(separatedBy: "class=\"canteen-circle\"").count - 1 == 2)
                #expect(map.components(separatedBy: "class=\"elder-dot\"").count - 1 == 3)
                #expect(map.contains("<title>老年食堂2</title>"))
            }
        }
    }
}
