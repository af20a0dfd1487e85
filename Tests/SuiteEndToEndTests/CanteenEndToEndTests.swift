import Foundation
import Testing

/// canteen-meals as its own process, seeded by its kit's `seed`, through the gateway's HTTP
/// API: a family member orders, the counter checks the elder in (once a day subsidised), a
/// canteen not theirs refuses the operator, and the leader's figures and cockpit count it.
@Suite(.serialized) struct CanteenEndToEndTests {
    @Test func aMealFromOrderToCheckInAndFiguresThroughTheGateway() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let resident = try await http.login("resident")
        let counter = try await http.login("canteen")
        let leader = try await http.login("leader")

        let (listed, canteens) = try await http.request("GET", "/api/canteen-meals/canteens", token: resident)
        #expect(listed == 200)
        #expect((canteens["canteens"] as? [Any])?.count == 15, "\(canteens)")

        // The demo resident is a family member of elder E000001 and orders tomorrow's lunch.
        let tomorrow = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: Date().addingTimeInterval(86_400))
        let reserved = try await http.post("/api/canteen-meals/reservations", as: resident, """
            {"clientRequestId": "e2e-\(UUID().uuidString)", "elderId": {"value": "E000001"}, "canteenId": {"value": "K01"},
             "day": {"year": \(tomorrow.year!), "month": \(tomorrow.month!), "day": \(tomorrow.day!)}, "sitting": "lunch", "mode": "MEAL_MODE_DELIVERY"}
            """)
        #expect((reserved["reservation"] as? [String: Any])?["status"] as? String == "RESERVATION_STATUS_ACTIVE", "\(reserved)")
        // Not their elder.
        let (notFamily, refusal) = try await http.request("GET", "/api/canteen-meals/elders/E000002", token: resident)
        #expect(notFamily == 403, "\(refusal)")

        // The demo operator works at K01: the first check-in today is subsidised, a second is refused.
        let meal = try await http.post("/api/canteen-meals/canteens/K01/check-ins", as: counter,
                                       #"{"clientRequestId": "e2e-\#(UUID().uuidString)", "cardNumber": "C000000000001"}"#)
        let served = try #require(meal["meal"] as? [String: Any], "\(meal)")
        #expect((served["maskedIdNumber"] as? String)?.contains("**********") == true)
        #expect(served["subsidy"] != nil)
        let (second, secondBody) = try await http.request("POST", "/api/canteen-meals/canteens/K01/check-ins", token: counter,
                                                          body: #"{"clientRequestId": "e2e-\#(UUID().uuidString)", "cardNumber": "C000000000001"}"#)
        #expect(second == 409)
        #expect((secondBody["error"] as? [String: Any])?["reason"] as? String == "SUBSIDY_ALREADY_USED_TODAY", "\(secondBody)")
        let (elsewhere, _) = try await http.request("POST", "/api/canteen-meals/canteens/K02/check-ins", token: counter,
                                                    body: #"{"clientRequestId": "e2e-\#(UUID().uuidString)", "cardNumber": "C000000000002"}"#)
        #expect(elsewhere == 403)

        let (figuresStatus, figures) = try await http.request("GET", "/api/canteen-meals/figures", token: leader)
        #expect(figuresStatus == 200)
        let k01 = (figures["canteens"] as? [[String: Any]])?.first { ($0["canteenId"] as? [String: Any])?["value"] as? String == "K01" }
        #expect((k01?["mealsOnDay"] as? String) == "1", "\(figures)")
        let tiers = (figures["eldersByTier"] as? [[String: Any]] ?? []).compactMap { Int(($0["elders"] as? String) ?? "0") }
        #expect(tiers.reduce(0, +) == 12_568)

        try await eventually("the canteen section in the cockpit overview") {
            let overview = try await http.overview(as: leader)
            let section = (overview["sections"] as? [String: Any])?["canteen-meals"] as? [String: Any]
            guard let data = section?["data"] as? [String: Any], data["coverage"] != nil, data["figures"] != nil else {
                throw GatewayHTTP.Failure(description: "no canteen-meals section: \(overview)")
            }
        }
    }
}
