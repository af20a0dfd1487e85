import GatewayCore
import Testing

extension GatewaySuites {
    /// The benchmark's ceiling (`cockpit.benchmarkStaticOverview`): off unless enabled; when on,
    /// the overview's bytes frozen, behind the same sign-in and role check.
    @Suite struct StaticOverviewBenchmarkTests {
        static let path = "/api/cockpit/overview-static-benchmark"

        @Test func theStaticAnswerIsNotServedUnlessEnabled() async throws {
            try await withGateway { harness in
                let token = try await harness.login("leader")
                let response = try await harness.client.request("GET", Self.path, token: token)
                #expect(response.status == 404)
            }
        }

        @Test func whenEnabledItServesTheFirstCompleteOverviewFrozenToTheOverviewsRolesOnly() async throws {
            try await withGateway(tweak: { $0.benchmarkStaticOverview = true; $0.overviewCacheTTL = .zero }) { harness in
                harness.intake.seed(village: "V01", category: "c-power", status: .signed, overdue: true)
                let leader = try await harness.login("leader")
                let first = try await harness.client.request("GET", Self.path, token: leader)
                #expect(first.status == 200)
                #expect(first.object["complete"] as? Bool == true)
                // A change at intake shows in the overview, not in the frozen copy.
                harness.intake.seed(village: "V01", category: "c-road", status: .submitted)
                let live = try await harness.client.request("GET", "/api/cockpit/overview", token: leader)
                #expect(live.body != first.body)
                let again = try await harness.client.request("GET", Self.path, token: leader)
                #expect(again.body == first.body)
                let gzipped = try await harness.client.request("GET", Self.path, token: leader, headers: ["Accept-Encoding": "gzip"])
                #expect(gzipped.headers["content-encoding"] == "gzip")
                // Same sign-in and roles as the overview.
                #expect(try await harness.client.request("GET", Self.path).status == 401)
                let resident = try await harness.login("resident")
                #expect(try await harness.client.request("GET", Self.path, token: resident).status == 403)
            }
        }
    }
}
