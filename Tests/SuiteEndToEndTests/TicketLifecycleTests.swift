import Foundation
import Testing

/// The built executables as separate processes: a resident files a ticket through the
/// gateway's HTTP API, a grid worker and a department carry it to closure, the leader sees it
/// counted; then intake is stopped (the gateway marks it degraded) and started again.
@Suite(.serialized) struct TicketLifecycleTests {
    @Test func aTicketFromFilingToClosureThroughTheGatewayAndAnIntakeRestart() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let leader = try await http.login("leader")
        let before = try await eventually("a complete overview") { () -> Int in
            let overview = try await http.overview(as: leader)
            guard overview["complete"] as? Bool == true else { throw GatewayHTTP.Failure(description: "incomplete: \(overview)") }
            return closedCount(overview)
        }

        let resident = try await http.login("resident")
        let grid = try await http.login("grid")
        let department = try await http.login("dept")
        let filed = try await http.post("/api/intake/tickets", as: resident, #"""
            {"clientRequestId": "e2e-\#(UUID().uuidString)", "reporter": {"name": "郑村民", "phone": "13800001234"},
             "submission": {"channel": "CHANNEL_KIOSK_VIDEO", "place": {"villageId": {"value": "V01"}, "gridId": {"value": "V01-L2-1-G1"}},
                            "categoryId": {"value": "pension"}, "problemDescription": "社保卡更换后养老金银行网点太远"}}
            """#)
        let id = try #require(((filed["ticket"] as? [String: Any])?["id"] as? [String: Any])?["value"] as? String, "\(filed)")
        let path = "/api/intake/tickets/\(id)"
        try await http.post("\(path)/accept", as: grid, #"{"classification": {"categoryId": {"value": "pension"}, "place": {"villageId": {"value": "V01"}, "gridId": {"value": "V01-L2-1-G1"}}}}"#)
        try await http.post("\(path)/dispatch", as: grid, #"{"departmentDispatch": {"departmentId": {"value": "dept-social"}}}"#)
        // The wrong role is refused where the data lives.
        let (refused, _) = try await http.request("POST", "\(path)/sign", token: grid, body: "{}")
        #expect(refused == 403)
        try await http.post("\(path)/sign", as: department, "{}")
        try await http.post("\(path)/start", as: department, "{}")
        try await http.post("\(path)/reply", as: department, #"{"reply": {"outcome": "OUTCOME_FIXED", "result": "已协调银行在村服务中心设立代办点"}}"#)
        try await http.post("\(path)/follow-up", as: grid, #"{"followUp": {"result": "FOLLOW_UP_RESULT_SATISFIED"}}"#)
        try await http.post("\(path)/close", as: grid, "{}")

        let (status, detail) = try await http.request("GET", path, token: leader)
        #expect(status == 200)
        #expect("\(detail)".contains("TICKET_STATUS_CLOSED"), "\(detail)")
        // Complete answers are cached for up to 2 s.
        try await eventually("the closure counted in the overview") {
            let after = closedCount(try await http.overview(as: leader))
            guard after == before + 1 else { throw GatewayHTTP.Failure(description: "closed \(after), expected \(before + 1)") }
        }

        // What an operator's Prometheus scrapes from intake counts these calls by method and status.
        let metrics = try await http.text(from: "http://127.0.0.1:\(suite.intakeMetricsPort)/metrics")
        let submitted = metrics.split(separator: "\n").first {
            $0.hasPrefix("township_rpc_server_calls_total{") && $0.contains(#"method="township.intake.v1.Intake/SubmitTicket""#)
                && $0.contains(#"status="OK""#)
        }
        #expect(submitted.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }.map { $0 >= 1 } == true,
                "intake /metrics: \(metrics.prefix(2_000))")

        // One service stops (as for an upgrade): the gateway keeps serving, marked degraded.
        suite.stopIntake()
        try await eventually("a degraded overview") {
            let overview = try await http.overview(as: leader)
            let intake = (overview["sections"] as? [String: Any])?["intake"] as? [String: Any]
            guard overview["complete"] as? Bool == false, intake?["status"] as? String != "ok" else {
                throw GatewayHTTP.Failure(description: "still complete: \(overview)")
            }
        }
        try suite.startIntake()
        try await eventually("a whole overview again") {
            let overview = try await http.overview(as: leader)
            guard overview["complete"] as? Bool == true, closedCount(overview) == before + 1 else {
                throw GatewayHTTP.Failure(description: "not whole: \(overview)")
            }
        }
    }
}

private func closedCount(_ overview: [String: Any]) -> Int {
    let sections = overview["sections"] as? [String: Any]
    let intake = sections?["intake"] as? [String: Any]
    let statistics = (intake?["data"] as? [String: Any])?["statistics"] as? [String: Any]
    let overall = statistics?["overall"] as? [String: Any]
    return Int(overall?["closedCount"] as? String ?? "") ?? -1
}
