import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Headless Chromium loads the cockpit against the gateway and the fake intake, and the
    /// figures it renders must equal the API's. Skipped only when chromium is not installed
    /// (`apt-get install -y chromium`; CI installs it). The screenshot is kept at
    /// `$TMPDIR/township-cockpit-<width>.png`.
    @Suite(.serialized) struct BrowserTests {
        static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

        static func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium!)
            let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)"] + arguments
            // Output to a file: a pipe could fill up and stall the browser.
            let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString).out")
            _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
            let output = try FileHandle(forWritingTo: outputURL)
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            try output.close()
            let data = (try? Data(contentsOf: outputURL)) ?? Data()
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: profile)
            return String(decoding: data, as: UTF8.self)
        }

        /// The `data-figure` values the page rendered, by key.
        static func figures(in dom: String) -> [String: String] {
            var figures: [String: String] = [:]
            for match in dom.matches(of: /data-figure="([^"]+)">([^<]*)</) {
                figures[String(match.output.1)] = String(match.output.2)
            }
            return figures
        }

        @Test(.enabled(if: chromium != nil, "chromium is not installed: apt-get install -y chromium (CI installs it)"))
        func theCockpitShowsTheAPIsFigures() async throws {
            try await withGateway(extraBackends: [StaticBackend(name: "canteen-meals")]) { harness in
                harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", department: "dept-social", status: .signed, overdue: true)
                harness.intake.seed(village: "V01", category: "c-road", status: .submitted)
                harness.intake.seed(village: "v-west", category: "c-power", department: "dept-social", status: .closed)
                harness.intake.seed(village: "v-west", category: "c-building", department: "d-planning", status: .inProgress)
                let token = try await harness.login("leader")
                let overview = try await harness.client.request("GET", "/api/cockpit/overview", token: token)
                let sections = try #require(overview.object["sections"] as? [String: [String: Any]])
                let statistics = try #require((sections["intake"]?["data"] as? [String: Any])?["statistics"] as? [String: Any])
                let overall = try #require(statistics["overall"] as? [String: Any])
                let url = "http://127.0.0.1:\(harness.client.port)/#token=\(token)&live=off"
                let dom = try await Task.detached { try Self.run(["--virtual-time-budget=8000", "--dump-dom", url]) }.value
                #expect(dom.contains("data-rendered=\"true\""), "the page did not render: \(dom.prefix(800))")
                let figures = Self.figures(in: dom)
                // proto3 JSON writes int64 as strings; absent means zero.
                func api(_ key: String) -> String { (overall[key] as? String) ?? "0" }
                #expect(figures["tickets"] == api("ticketCount"))
                #expect(figures["open"] == api("openCount"))
                #expect(figures["closed"] == api("closedCount"))
                #expect(figures["overdue"] == api("overdueCount"))
                #expect(figures["tickets"] == "4")
                #expect(figures["canteen-meals.registeredElders"] == "12568")
                // Overdue first in the list of open events, and a bar per village.
                let firstTicket = dom.firstMatch(of: /data-ticket="([^"]+)"/)?.output.1
                #expect(firstTicket == "t-1")
                #expect(dom.contains("data-chart-value=\"V01\"") && dom.contains("data-chart-value=\"v-west\""))
                // Names from the reference data, Chinese first; signed in, so no login form.
                #expect(dom.contains("东村"))
                #expect(dom.contains("<form id=\"login\" hidden"))
                let english = try await Task.detached { try Self.run(["--virtual-time-budget=8000", "--dump-dom", url + "&lang=en"]) }.value
                #expect(english.contains("<title>Township cockpit</title>"))
                #expect(english.contains("East Village"))
                #expect(Self.figures(in: english)["tickets"] == figures["tickets"])

                // Drill-down: the ticket's timeline, oldest first, with the step just taken.
                let accepted = try await harness.client.request(
                    "POST", "/api/intake/tickets/t-2/accept", token: token, body: #"{"classification":{"categoryId":{"value":"c-road"}}}"#)
                #expect(accepted.status == 200)
                let detail = try await Task.detached { try Self.run(["--virtual-time-budget=8000", "--dump-dom", url + "&ticket=t-2"]) }.value
                #expect(detail.contains("<section id=\"detail\" class=\"panel\" data-ticket=\"t-2\">"))
                #expect(detail.contains("<li data-action=\"ACCEPT\"><b>受理</b>"), "\(detail.suffix(1500))")

                for (width, height) in [(390, 1400), (1920, 1080)] {
                    let path = FileManager.default.temporaryDirectory.appendingPathComponent("township-cockpit-\(width).png").path
                    try? FileManager.default.removeItem(atPath: path)
                    _ = try await Task.detached {
                        try Self.run(["--virtual-time-budget=8000", "--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(path)", url])
                    }.value
                    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                    #expect(size > 10_000, "no screenshot at \(path)")
                }
            }
        }
    }
}
