import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Headless Chromium draws the cockpit's enterprise-liaison panel from the overview: the
    /// help figures, the rates by department, and the open items with the overdue one first.
    @Suite(.serialized) struct LiaisonPanelBrowserTests {
        /// The overview section a liaison backend returns (as LiaisonBackend shapes it).
        struct FakeLiaisonBackend: Backend {
            let name = "enterprise-liaison"
            static let figures = #"""
                {"help": {"zoneDepartmentLiaisons": 48, "provincialLiaisons": 2, "municipalLiaisons": 5, "enterprises": 196,
                          "socialOrganisations": 31, "visits": 282, "hires": "563", "taxBenefits": {"amountFen": "6178000000", "currencyCode": "CNY"},
                          "partyOrganisations": 5, "massOrganisations": 8, "suggestions": 28, "safetyAgreements": 154},
                 "total": {"published": 10, "claimed": 8, "assigned": 2, "answered": 9, "answeredOnTime": 7, "overdue": 1, "cleared": 4,
                           "claimRatePermille": 800, "answeredOnTimePermille": 700, "clearedPermille": 400},
                 "byDepartment": [{"departmentId": {"value": "dept-hrss"}, "counts": {"published": 3, "claimed": 3, "claimRatePermille": 1000}}]}
                """#
            static let items = [
                #"{"itemId": "42", "period": "2026-03-1", "type": "PROBLEM_TYPE_DIFFICULT", "title": "用电容量不足", "state": "PROBLEM_STATE_CLAIMED", "overdue": true, "departmentId": {"value": "dept-power"}}"#,
                #"{"itemId": "7", "period": "2026-03-1", "type": "PROBLEM_TYPE_COMMON", "title": "招工难", "state": "PROBLEM_STATE_PUBLISHED"}"#,
            ]
            func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
                OverviewSectionData(data: .object([("figures", .raw(Self.figures)), ("openItems", .array(Self.items.map { .raw($0) }))]))
            }
            var eventSource: (any BackendEventSource)? { nil }
            func addRoutes(to table: RouteTable) {}
            func shutdown() async {}
        }

        @Test(.enabled(if: BrowserTests.chromium != nil, "chromium is not installed: apt-get install -y chromium (CI installs it)"))
        func thePanelShowsTheFiguresAndOverdueItemsFirst() async throws {
            try await withGateway(extraBackends: [FakeLiaisonBackend()]) { harness in
                let token = try await harness.login("leader")
                let url = "http://127.0.0.1:\(harness.client.port)/#token=\(token)&live=off"
                let dom = try await Task.detached { try BrowserTests.run(["--virtual-time-budget=8000", "--dump-dom", url]) }.value
                #expect(dom.contains("id=\"panel-enterprise-liaison\""), "no panel: \(dom.suffix(1500))")
                let figures = BrowserTests.figures(in: dom)
                #expect(figures["enterprise-liaison.liaisons"] == "55")
                #expect(figures["enterprise-liaison.organisations"] == "227")
                #expect(figures["enterprise-liaison.hires"] == "563")
                #expect(figures["enterprise-liaison.tax"] == "6178", "61.78 million yuan in units of 10,000 yuan")
                #expect(figures["enterprise-liaison.safety"] == "154")
                #expect(figures["enterprise-liaison.claimRate"] == "80.0%")
                #expect(figures["enterprise-liaison.onTime"] == "70.0%")
                #expect(dom.contains("data-department=\"dept-hrss\""))
                #expect(dom.firstMatch(of: /data-liaison-item="([0-9]+)"/)?.output.1 == "42")
                #expect(dom.contains("用电容量不足"))
            }
        }
    }
}
