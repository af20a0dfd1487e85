import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Issue #17: a form body that is not strictly percent-encoded used to trap in Foundation
    /// (`URLComponents.percentEncodedQuery`) and kill the gateway. Each malformed class gets a
    /// clear answer in GeoReport v2's error format, and the gateway goes on serving.
    @Suite struct Open311FormTests {
        static let form = "application/x-www-form-urlencoded"

        func post(_ harness: GatewayHarness, _ body: String, contentType: String = form) async throws -> HTTPTestClient.Response {
            let token = try await harness.login("resident")
            return try await harness.client.request("POST", "/open311/v2/requests.json", token: token, body: body, contentType: contentType)
        }

        /// `[{"code": status, "description": "…"}]`
        func expectGeoReportError(_ response: HTTPTestClient.Response, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(response.status == status, "\(response.body)", sourceLocation: sourceLocation)
            let errors = response.json as? [[String: Any]]
            #expect(errors?.count == 1, "not GeoReport's error format: \(response.body)", sourceLocation: sourceLocation)
            #expect(errors?.first?["code"] as? Int == status, sourceLocation: sourceLocation)
            #expect((errors?.first?["description"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        }

        func expectStillServing(_ harness: GatewayHarness, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let health = try await harness.client.request("GET", "/healthz")
            #expect(health.status == 200, sourceLocation: sourceLocation)
        }

        @Test func aRawSpaceIsTakenAsASpace() async throws {
            try await withGateway { harness in
                let filed = try await post(harness, "service_code=c-power&description=street light broken&village_id=V01")
                #expect(filed.status == 201, "\(filed.body)")
                #expect(harness.intake.tickets.last?.submission.problemDescription == "street light broken")
                try await expectStillServing(harness)
            }
        }

        @Test func rawChineseTextIsTakenAsUTF8() async throws {
            try await withGateway { harness in
                let filed = try await post(harness, "service_code=c-power&description=临时用电没修&village_id=V01")
                #expect(filed.status == 201, "\(filed.body)")
                #expect(harness.intake.tickets.last?.submission.problemDescription == "临时用电没修")
                try await expectStillServing(harness)
            }
        }

        @Test func aLonePercentSignIsRefused() async throws {
            try await withGateway { harness in
                for body in ["description=100%&village_id=V01", "description=%E4%B8&village_id=V01%", "description=%zz&village_id=V01", "%=x"] {
                    let response = try await post(harness, body)
                    expectGeoReportError(response, 400)
                }
                #expect(harness.intake.tickets.isEmpty)
                try await expectStillServing(harness)
            }
        }

        @Test func aJSONBodyIsRefused() async throws {
            try await withGateway { harness in
                let json = #"{"description": "路灯坏了 100%", "village_id": "V01"}"#
                // Sent as a form: no field of the form is there.
                expectGeoReportError(try await post(harness, json), 400)
                // Sent as what it is: not the media type GeoReport takes.
                expectGeoReportError(try await post(harness, json, contentType: "application/json"), 415)
                #expect(harness.intake.tickets.isEmpty)
                try await expectStillServing(harness)
            }
        }

        @Test func repeatedOrListFieldsAreRefused() async throws {
            try await withGateway { harness in
                expectGeoReportError(try await post(harness, "service_code=c-power&description=a&description=b&village_id=V01"), 400)
                expectGeoReportError(try await post(harness, "service_code=c-power&description[]=a&village_id=V01"), 400)
                expectGeoReportError(try await post(harness, "service_code=c-power&description[x]=a&village_id=V01"), 400)
                // GeoReport's attribute[CODE] fields are allowed and ignored.
                let filed = try await post(harness, "service_code=c-power&description=a&village_id=V01&attribute[WHISPER]=x&attribute[AGE]=3")
                #expect(filed.status == 201, "\(filed.body)")
                try await expectStillServing(harness)
            }
        }

        @Test func signInFailuresUnderOpen311AreInGeoReportFormatToo() async throws {
            try await withGateway { harness in
                let response = try await harness.client.request(
                    "POST", "/open311/v2/requests.json", body: "description=x&village_id=V01", contentType: Self.form)
                expectGeoReportError(response, 401)
                let missing = try await harness.client.request("GET", "/open311/v2/nothing-here.json")
                expectGeoReportError(missing, 404)
            }
        }
    }
}
