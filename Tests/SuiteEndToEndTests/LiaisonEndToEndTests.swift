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

/// A difficult item referred to intake, both separate processes on mutual TLS (#14): with
/// intake stopped the referral waits on the item (attempts, last error); once intake is back
/// it is filed exactly once and the item shows the ticket's number.
@Suite(.serialized) struct LiaisonReferralEndToEndTests {
    static let liaisonIdentity = "spiffe://township.local/service/enterprise-liaison"

    @Test func aReferralWaitsForIntakeAndIsFiledOnce() async throws {
        guard ServiceCatalogue.service(named: "enterprise-liaison")?.isBuilt == true else { return }
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let liaison = try await http.login("liaison")
        let admin = try await http.login("admin")

        let (_, organisations) = try await http.request("GET", "/api/enterprise-liaison/organisations", token: liaison)
        let organisation = try #require((organisations["organisations"] as? [[String: Any]])?.first?["organisationId"] as? String)
        let filed = try await http.post("/api/enterprise-liaison/problems", as: liaison, """
            {"clientRequestId": "e2e-refer-1", "organisationId": "\(organisation)", "type": "PROBLEM_TYPE_DIFFICULT",
             "title": "排污管网未接通", "description": "园区东片排污管网三年未接通，企业无法扩产"}
            """)
        let item = try #require(filed["item"] as? [String: Any])
        let id = try #require(item["itemId"] as? String)
        let period = try #require(item["period"] as? String)
        _ = try await http.post("/api/enterprise-liaison/lists/\(period)/publish", as: admin, "{}")
        let (_, villages) = try await http.request("GET", "/api/intake/villages", token: admin)
        let village = try #require(((villages["villages"] as? [[String: Any]])?.first?["id"] as? [String: Any])?["value"] as? String)

        // Intake is down when the office refers the item: the call succeeds, the referral waits.
        suite.stopIntake()
        let referred = try await http.post("/api/enterprise-liaison/problems/\(id)/refer", as: admin, #"{"villageId": {"value": "\#(village)"}}"#)
        #expect(((referred["item"] as? [String: Any])?["referral"] as? [String: Any])?["state"] as? String == "REFERRAL_STATE_PENDING")
        let waiting = try await eventually("a failed attempt is recorded on the item") {
            let referral = try await Self.referral(http, id, token: admin)
            guard (referral["attempts"] as? Int ?? 0) >= 1 else { throw GatewayHTTP.Failure(description: "no attempt yet: \(referral)") }
            return referral
        }
        #expect(waiting["state"] as? String == "REFERRAL_STATE_PENDING")
        #expect((waiting["lastError"] as? String)?.hasPrefix("UNAVAILABLE") == true, "\(waiting)")

        // Intake is back: the next pass files the ticket.
        try suite.startIntake()
        try await PortReadiness.waitUntilListening("intake", process: suite.intake, port: suite.intakePort)
        let submitted = try await eventually("the ticket is filed") {
            let referral = try await Self.referral(http, id, token: admin)
            guard referral["state"] as? String == "REFERRAL_STATE_SUBMITTED" else { throw GatewayHTTP.Failure(description: "\(referral)") }
            return referral
        }
        let number = try #require(submitted["ticketNumber"] as? String)
        // Exactly one ticket from enterprise-liaison, the one the item names.
        let tickets = try await eventually("intake answers through the gateway") {
            let (status, list) = try await http.request("GET", "/api/intake/tickets?page_size=100", token: admin)
            guard status == 200, let tickets = list["tickets"] as? [[String: Any]] else { throw GatewayHTTP.Failure(description: "\(status) \(list)") }
            return tickets
        }
        let fromLiaison = tickets.filter { ($0["submittedBy"] as? [String: Any]).flatMap { ($0["userId"] as? [String: Any])?["value"] as? String } == Self.liaisonIdentity }
        #expect(fromLiaison.count == 1)
        #expect(fromLiaison.first?["number"] as? String == number)
        let (_, shown) = try await http.request("GET", "/api/enterprise-liaison/problems/\(id)", token: admin)
        let timeline = ((shown["item"] as? [String: Any])?["timeline"] as? [[String: Any]]) ?? []
        #expect(timeline.contains { $0["kind"] as? String == "TIMELINE_KIND_TICKET_CREATED" && ($0["note"] as? String)?.contains(number) == true })
    }

    static func referral(_ http: GatewayHTTP, _ id: String, token: String) async throws -> [String: Any] {
        let (status, body) = try await http.request("GET", "/api/enterprise-liaison/problems/\(id)", token: token)
        guard status == 200, let referral = (body["item"] as? [String: Any])?["referral"] as? [String: Any] else {
            throw GatewayHTTP.Failure(description: "\(status) \(body)")
        }
        return referral
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
