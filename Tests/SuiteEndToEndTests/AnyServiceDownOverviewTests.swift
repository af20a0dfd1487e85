import Foundation
import Testing
import TownshipCatalogue

/// The cockpit's overview with every built service as its own process: whole when all four
/// answer, and partial — that one section not "ok", every other one "ok" — with any one of
/// them killed, whole again once it is back. (Intake's death under load is
/// `LiveOverviewKillTests`.)
@Suite(.serialized) struct AnyServiceDownOverviewTests {
    static func sections(_ http: GatewayHTTP, token: String) async throws -> (complete: Bool?, statuses: [String: String]) {
        let (status, body) = try await http.request("GET", "/api/cockpit/overview", token: token)
        guard status == 200 else { throw GatewayHTTP.Failure(description: "overview answered \(status): \(body)") }
        let sections = body["sections"] as? [String: Any] ?? [:]
        let statuses = sections.compactMapValues { ($0 as? [String: Any])?["status"] as? String }
        return (body["complete"] as? Bool, statuses)
    }

    @Test func theOverviewIsWholeWithEveryServiceAndPartialWithAnyOneDown() async throws {
        let suite = try SuiteProcesses(gatewaySections: [
            "overview": #"{"budgetMilliseconds": 2000, "backendMilliseconds": 1500, "cacheMilliseconds": 0}"#,
            "breaker": #"{"failures": 3, "coolDownMilliseconds": 200}"#,
        ])
        defer { suite.stopAll() }
        let http = try await suite.startAll()
        let token = try await http.login("leader")
        let everyService = Set(ServiceCatalogue.built.map(\.name))
        #expect(everyService.count == 4, "the suite's four services: \(everyService.sorted())")

        func whole() async throws {
            try await eventually("a whole overview") {
                let answer = try await Self.sections(http, token: token)
                guard answer.complete == true, Set(answer.statuses.keys) == everyService,
                      answer.statuses.values.allSatisfy({ $0 == "ok" }) else {
                    throw GatewayHTTP.Failure(description: "not whole: \(answer)")
                }
            }
        }
        try await whole()
        for (name, port) in suite.otherPorts.sorted(by: { $0.key < $1.key }) {
            suite.killOther(name)
            try await eventually("\(name) missing from the overview, the others whole") {
                let answer = try await Self.sections(http, token: token)
                let others = answer.statuses.filter { $0.key != name }
                guard answer.complete == false, answer.statuses[name] != "ok",
                      Set(others.keys) == everyService.subtracting([name]), others.values.allSatisfy({ $0 == "ok" }) else {
                    throw GatewayHTTP.Failure(description: "with \(name) down: \(answer)")
                }
            }
            try await suite.serveOther(name, port: port)
            try await whole()
        }
    }
}
