import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TownshipCatalogue
import TownshipCertificates

/// enterprise-liaison as its own process (seeded with the demo zone by its kit's `seed`),
/// driven through the gateway's HTTP API: a liaison files a problem at one of their
/// organisations, the office sees it and the figures, a department cannot see the draft, and
/// the cockpit overview carries the liaison section.
@Suite(.serialized) struct LiaisonEndToEndTests {
    @Test func aLiaisonFilesAProblemAndTheOfficeSeesItThroughTheGateway() async throws {
        guard ServiceCatalogue.service(named: "enterprise-liaison")?.isBuilt == true else { return }
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let liaison = try await http.login("liaison")
        let admin = try await http.login("admin")
        let dept = try await http.login("dept")

        let (status, organisations) = try await http.request("GET", "/api/enterprise-liaison/organisations", token: liaison)
        #expect(status == 200)
        let mine = try #require(organisations["organisations"] as? [[String: Any]])
        #expect(!mine.isEmpty && mine.allSatisfy { ($0["liaisonId"] as? [String: Any])?["value"] as? String == "u-liaison" })
        let organisation = try #require(mine.first?["organisationId"] as? String)

        let filed = try await http.post("/api/enterprise-liaison/problems", as: liaison, """
            {"clientRequestId": "e2e-1", "organisationId": "\(organisation)", "type": "PROBLEM_TYPE_DIFFICULT",
             "title": "用电容量不足", "description": "扩产受限，需协调增容"}
            """)
        let item = try #require(filed["item"] as? [String: Any])
        #expect(item["state"] as? String == "PROBLEM_STATE_FILED")
        let id = try #require(item["itemId"] as? String)

        let (adminStatus, seen) = try await http.request("GET", "/api/enterprise-liaison/problems/\(id)", token: admin)
        #expect(adminStatus == 200 && ((seen["item"] as? [String: Any])?["title"] as? String) == "用电容量不足")
        // The department does not see the list before it is published.
        let (deptStatus, _) = try await http.request("GET", "/api/enterprise-liaison/problems/\(id)", token: dept)
        #expect(deptStatus == 404)
        // A resident may not use the liaison API at all.
        let resident = try await http.login("resident")
        #expect(try await http.request("GET", "/api/enterprise-liaison/problems", token: resident).0 == 403)

        // The seeded figures, through the gateway.
        let (figuresStatus, figures) = try await http.request("GET", "/api/enterprise-liaison/figures", token: admin)
        #expect(figuresStatus == 200)
        let help = try #require(figures["help"] as? [String: Any])
        #expect(help["hires"] as? String == "563")
        #expect((help["taxBenefits"] as? [String: Any])?["amountFen"] as? String == "6178000000")

        // A published list as CSV, UTF-8 with a BOM so spreadsheets read the Chinese text.
        let (_, cleared) = try await http.request("GET", "/api/enterprise-liaison/problems?state=cleared&page_size=1", token: admin)
        let period = try #require(((cleared["items"] as? [[String: Any]])?.first)?["period"] as? String)
        var csvRequest = URLRequest(url: URL(string: "http://127.0.0.1:\(http.port)/api/enterprise-liaison/lists/\(period)/csv")!)
        csvRequest.setValue("Bearer \(admin)", forHTTPHeaderField: "Authorization")
        let (csv, csvResponse) = try await URLSession.shared.data(for: csvRequest)
        #expect((csvResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: csv.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("编号 item,期次 period") == true && lines.count > 1)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",\(period),") })

        // The cockpit overview carries the section, whole.
        let leader = try await http.login("leader")
        try await eventually("the overview with the liaison section") {
            let overview = try await http.overview(as: leader)
            let section = (overview["sections"] as? [String: Any])?["enterprise-liaison"] as? [String: Any]
            guard section?["status"] as? String == "ok", overview["complete"] as? Bool == true else {
                throw GatewayHTTP.Failure(description: "\(overview)")
            }
        }
    }
}

/// `enterprise-liaison check-config` names a deadline or intake setting out of range and an unknown key.
@Suite struct LiaisonCheckConfigTests {
    @Test(arguments: [
        (#"{"liaison": {"solutionDays": 0}}"#, "liaison.solutionDays must be 1 to 90, not 0"),
        (#"{"liaison": {"reminderHoursBefore": 168}}"#, "liaison.reminderHoursBefore must be 0 to 167"),
        (#"{"liaison": {"deadlinePassSeconds": 0}}"#, "liaison.deadlinePassSeconds must be within 1...3600"),
        (#"{"liaison": {"solutionDay": 7}}"#, "unknown key 'liaison.solutionDay'"),
        (#"{"intake": {"endpoints": ["intake-without-port"]}}"#, "intake.endpoints: 'intake-without-port' is not host:port"),
        (#"{"intake": {"maxAttempts": 0}}"#, "intake.maxAttempts must be within 1...10, not 0"),
        (#"{"intake": {"callTimeoutMilliseconds": 50}}"#, "intake.callTimeoutMilliseconds must be within 100...120000"),
    ])
    func aBadSettingIsNamed(_ json: String, _ expected: String) throws {
        guard ServiceCatalogue.service(named: "enterprise-liaison")?.isBuilt == true else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The example's certificate paths, so the check reaches the service's own keys.
        _ = try DevelopmentCertificateSet.ensure(in: folder.appendingPathComponent("state/certs"), identities: [try .service("enterprise-liaison")])
        let file = folder.appendingPathComponent("enterprise-liaison.json")
        try Data(json.utf8).write(to: file)
        let process = Process()
        process.executableURL = try SuiteProcesses.binary("enterprise-liaison")
        process.arguments = ["check-config", "--config", file.path]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(output.contains(expected), "\(output)")
    }
}
