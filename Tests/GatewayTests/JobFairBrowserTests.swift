import Foundation
import GatewayCore
import Testing
import TownshipProtos

/// A job-fair backend with fixed figures, shaped as `JobFairBackend` shapes its section.
struct FixedJobFairBackend: Backend {
    let name = "job-fair"

    static var figures: Township_Jobfair_V1_GetFairFiguresResponse {
        var r = Township_Jobfair_V1_GetFairFiguresResponse()
        r.fair.id.value = "1"; r.fair.name = "2026年春季就业招聘会"; r.latestRound = 2
        r.totals.positions = 820; r.totals.seekers = 3000; r.totals.matched = 928; r.totals.unmatched = 2072
        r.totals.hires = 560; r.totals.unfilledPositions = 440
        r.sectors = [(Township_Jobfair_V1_Sector.manufacturing, Int32(183)), (.logistics, 121)].map { sector, hires in
            var row = Township_Jobfair_V1_SectorFigures(); row.sector = sector; row.figures.hires = hires; return row
        }
        r.enterprises = [("79", "宏峰餐饮管理有限公司", Int32(15)), ("49", "鑫盛机械制造有限公司", 14)].map { id, name, hires in
            var row = Township_Jobfair_V1_EnterpriseFigures(); row.enterpriseID.value = id; row.name = name; row.figures.hires = hires; return row
        }
        return r
    }

    func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        let t = Self.figures.totals
        return OverviewSectionData(data: .object([
            ("positions", .integer(Int64(t.positions))), ("applicants", .integer(Int64(t.seekers))), ("matched", .integer(Int64(t.matched))),
            ("unmatched", .integer(Int64(t.unmatched))), ("hired", .integer(Int64(t.hires))), ("unfilledPositions", .integer(Int64(t.unfilledPositions))),
            ("latestRound", .integer(2)), ("figures", .raw(try ProtoJSON.encode(Self.figures))),
        ]))
    }
    var eventSource: (any BackendEventSource)? { nil }
    func addRoutes(to table: RouteTable) {}
    func shutdown() async {}
}

extension GatewaySuites {
    /// Headless Chromium draws the job-fair panel (cockpit-job-fair.js) from the overview:
    /// the figures, the latest round's matched/unmatched, hires per sector and per enterprise.
    @Suite(.serialized) struct JobFairBrowserTests {
        @Test(.enabled(if: BrowserTests.chromium != nil, "chromium is not installed: apt-get install -y chromium (CI installs it)"))
        func theJobFairPanelShowsTheFiguresOfTheOverview() async throws {
            try await withGateway(extraBackends: [FixedJobFairBackend()]) { harness in
                let token = try await harness.login("leader")
                let url = "http://127.0.0.1:\(harness.client.port)/#token=\(token)&live=off"
                let dom = try await Task.detached { try BrowserTests.run(["--virtual-time-budget=8000", "--dump-dom", url]) }.value
                #expect(dom.contains("data-rendered=\"true\""), "the page did not render: \(dom.prefix(800))")
                var shown: [String: String] = [:]
                for match in dom.matches(of: /data-job-fair="([^"]+)">([^<]*)</) { shown[String(match.output.1)] = String(match.output.2) }
                #expect(shown["positions"] == "820" && shown["applicants"] == "3000" && shown["matched"] == "928")
                #expect(shown["hired"] == "560" && shown["unfilled"] == "440", "\(shown)")
                #expect(shown["round"]?.contains("#2") == true && shown["round"]?.contains("2072") == true, "\(shown)")
                #expect(dom.contains("<section id=\"job-fair-panel\" class=\"panel\">"), "the panel stayed hidden")
                #expect(dom.contains("data-chart-value=\"MANUFACTURING\">183<") && dom.contains("data-chart-value=\"79\">15<"))
                #expect(dom.contains("宏峰餐饮管理有限公司") && dom.contains("制造业"))
                // The tile of the overview shows the same top-level figures.
                #expect(dom.contains("data-figure=\"job-fair.hired\">560<"))
            }
        }

        /// Without a job-fair backend the panel stays hidden.
        @Test(.enabled(if: BrowserTests.chromium != nil, "chromium is not installed"))
        func thePanelIsHiddenWithoutTheBackend() async throws {
            try await withGateway { harness in
                let token = try await harness.login("leader")
                let url = "http://127.0.0.1:\(harness.client.port)/#token=\(token)&live=off"
                let dom = try await Task.detached { try BrowserTests.run(["--virtual-time-budget=8000", "--dump-dom", url]) }.value
                #expect(dom.contains("data-rendered=\"true\""))
                #expect(dom.contains("<section id=\"job-fair-panel\" class=\"panel\" hidden=\"\">"), "\(dom.suffix(2000))")
            }
        }
    }
}
