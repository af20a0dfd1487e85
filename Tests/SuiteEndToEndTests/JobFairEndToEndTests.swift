import Foundation
import Testing

/// job-fair as its own process behind the gateway, seeded with the demo fair by `job-fair
/// seed` (round 1 and 560 hires): leaders read the figures and the cockpit's section, the
/// demo seeker their result and explanation, the demo employer their enterprise's positions
/// and applicants; a bad list is refused with the field named; the admin runs round 2.
@Suite(.serialized) struct JobFairEndToEndTests {
    @Test func theDemoFairThroughTheGateway() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let leader = try await http.login("leader")
        let seeker = try await http.login("seeker")
        let employer = try await http.login("employer")
        let admin = try await http.login("admin")

        let (figuresStatus, figures) = try await http.request("GET", "/api/job-fair/fairs/1/figures", token: leader)
        #expect(figuresStatus == 200, "\(figures)")
        let totals = figures["totals"] as? [String: Any] ?? [:]
        #expect(totals["hires"] as? Int == 560, "\(totals)")
        #expect((totals["positions"] as? Int ?? 0) >= 800)
        #expect((figures["enterprises"] as? [Any])?.count == 82)

        let section = try await eventually("the job-fair section of the overview") { () -> [String: Any] in
            let overview = try await http.overview(as: leader)
            guard let data = ((overview["sections"] as? [String: Any])?["job-fair"] as? [String: Any])?["data"] as? [String: Any] else {
                throw GatewayHTTP.Failure(description: "no job-fair section: \(overview)")
            }
            return data
        }
        #expect(section["hired"] as? Int == 560, "\(section)")
        #expect((section["matched"] as? Int ?? 0) >= 560)

        let (resultStatus, result) = try await http.request("GET", "/api/job-fair/fairs/1/result", token: seeker)
        #expect(resultStatus == 200, "\(result)")
        #expect((result["explanation"] as? String ?? "").isEmpty == false, "\(result)")
        #expect(result["round"] as? Int == 1)

        let (positionsStatus, positions) = try await http.request("GET", "/api/job-fair/fairs/1/positions?enterprise=1", token: employer)
        #expect(positionsStatus == 200)
        let first = try #require(((positions["positions"] as? [[String: Any]])?.first?["id"] as? [String: Any])?["value"] as? String, "\(positions)")
        let (applicantsStatus, applicants) = try await http.request("GET", "/api/job-fair/positions/\(first)/applicants", token: employer)
        #expect(applicantsStatus == 200, "\(applicants)")
        for applicant in applicants["applicants"] as? [[String: Any]] ?? [] {
            let phone = (applicant["seeker"] as? [String: Any])?["phone"] as? String ?? ""
            #expect(phone.contains("****"), "\(phone)")
        }
        // Another enterprise's applicants are refused where the data lives.
        let (otherStatus, _) = try await http.request("GET", "/api/job-fair/positions/\(Int(first)! + 2000)/applicants", token: employer)
        #expect(otherStatus == 404 || otherStatus == 403)

        // Eleven positions, or one twice: refused naming the field, nothing changed.
        let eleven = (0..<11).map { #"{"value": "\#(1000 + $0)"}"# }.joined(separator: ", ")
        let (badStatus, bad) = try await http.request("PUT", "/api/job-fair/fairs/1/applications", token: seeker, body: #"{"positionIds": [\#(eleven)]}"#)
        #expect(badStatus == 400, "\(bad)")
        #expect(GatewayHTTP.errorMessage(bad).contains("position_ids"), "\(bad)")
        let (wrongRole, _) = try await http.request("GET", "/api/job-fair/fairs/1/result", token: employer)
        #expect(wrongRole == 403)

        // The admin runs the next round: stored, stable, compared with round 1.
        let round = try await http.post("/api/job-fair/fairs/1/rounds", as: admin, "{}")
        let summary = round["round"] as? [String: Any] ?? [:]
        #expect(summary["number"] as? Int == 2, "\(round)")
        #expect(summary["blockingPairs"] == nil || summary["blockingPairs"] as? Int == 0)
        let (diffStatus, diff) = try await http.request("GET", "/api/job-fair/fairs/1/rounds/latest/diff", token: leader)
        #expect(diffStatus == 200 && diff["round"] as? Int == 2, "\(diff)")
        // The hires recorded after round 1 still count.
        let (_, after) = try await http.request("GET", "/api/job-fair/fairs/1/figures", token: leader)
        #expect((after["totals"] as? [String: Any])?["hires"] as? Int == 560 && after["latestRound"] as? Int == 2, "\(after["totals"] ?? "")")
    }
}
