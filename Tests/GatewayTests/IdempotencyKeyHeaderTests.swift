import Testing

extension GatewaySuites {
    /// A workflow action's `Idempotency-Key` header goes to intake as the call's key (which the
    /// end-to-end `ReplicaFailoverTests` rely on); a malformed one is a 400 before intake is called.
    @Suite struct IdempotencyKeyHeaderTests {
        static let accept = #"{"classification":{"categoryId":{"value":"c-power"}}}"#

        @Test(arguments: ["has space", String(repeating: "k", count: 129)])
        func aMalformedKeyIsRefusedAndNothingHappens(key: String) async throws {
            try await withGateway { harness in
                let ticket = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                let leader = try await harness.login("leader")
                let response = try await harness.client.request(
                    "POST", "/api/intake/tickets/\(ticket.id.value)/accept", token: leader, body: Self.accept, headers: ["Idempotency-Key": key])
                #expect(response.status == 400, "\(response.status) \(response.body)")
                #expect(response.body.contains("Idempotency-Key"))
                #expect(harness.intake.tickets.first { $0.id == ticket.id }?.status == .submitted)
            }
        }

        @Test func aWellFormedKeyIsAccepted() async throws {
            try await withGateway { harness in
                let ticket = harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                let leader = try await harness.login("leader")
                let key = String(repeating: "k", count: 127) + "~"
                let response = try await harness.client.request(
                    "POST", "/api/intake/tickets/\(ticket.id.value)/accept", token: leader, body: Self.accept, headers: ["Idempotency-Key": key])
                #expect(response.status == 200, "\(response.status) \(response.body)")
            }
        }
    }
}
