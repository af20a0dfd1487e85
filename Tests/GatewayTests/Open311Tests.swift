import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Open311 GeoReport v2 on top of intake.
    @Suite struct Open311Tests {
        @Test func servicesAndRequestsMapOntoCategoriesAndTickets() async throws {
            try await withGateway { harness in
                let token = try await harness.login("resident")
                let services = try await harness.client.request("GET", "/open311/v2/services.json", token: token)
                #expect(services.status == 200)
                let list = try #require(services.json as? [[String: Any]])
                #expect(list.first?["service_code"] as? String == "c-power")

                let filed = try await harness.client.request(
                    "POST", "/open311/v2/requests.json", token: token,
                    body: "service_code=c-power&description=%E4%B8%B4%E6%97%B6%E7%94%A8%E7%94%B5%E6%B2%A1%E4%BF%AE&village_id=V01&lat=30.25&long=120.16&address_string=3rd+group",
                    contentType: "application/x-www-form-urlencoded")
                #expect(filed.status == 201)
                let id = try #require((filed.json as? [[String: Any]])?.first?["service_request_id"] as? String)
                #expect(harness.intake.tickets.last?.submission.problemDescription == "临时用电没修")
                #expect(harness.intake.tickets.last?.submission.place.address == "3rd group")

                let one = try await harness.client.request("GET", "/open311/v2/requests/\(id).json", token: token)
                let request = try #require((one.json as? [[String: Any]])?.first)
                #expect(request["status"] as? String == "open")
                #expect(request["lat"] as? Double == 30.25)

                let leader = try await harness.login("leader")
                _ = try await harness.client.request("POST", "/api/intake/tickets/\(id)/close", token: leader, body: "{}")
                let closed = try await harness.client.request("GET", "/open311/v2/requests.json?status=closed", token: token)
                #expect((closed.json as? [[String: Any]])?.map { $0["service_request_id"] as? String } == [id])
                let missingCode = try await harness.client.request(
                    "POST", "/open311/v2/requests.json", token: token, body: "description=x&village_id=V01", contentType: "application/x-www-form-urlencoded")
                #expect(missingCode.status == 400)
            }
        }
    }
}
