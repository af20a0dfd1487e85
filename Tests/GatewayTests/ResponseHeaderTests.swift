import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Headers every answer carries, and the media type JSON bodies must be sent as (issue #10).
    @Suite struct ResponseHeaderTests {
        func expectSecurityHeaders(_ response: HTTPTestClient.Response, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(response.headers["x-content-type-options"] == "nosniff", "\(what)", sourceLocation: sourceLocation)
            #expect(response.headers["x-frame-options"] == "DENY", "\(what)", sourceLocation: sourceLocation)
            #expect(response.headers["referrer-policy"] == "no-referrer", "\(what)", sourceLocation: sourceLocation)
            #expect(response.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true, "\(what)", sourceLocation: sourceLocation)
        }

        @Test func pageAPIAndErrorsCarryTheSecurityHeaders() async throws {
            try await withGateway { harness in
                let token = try await harness.login("leader")
                let page = try await harness.client.request("GET", "/")
                expectSecurityHeaders(page, "page")
                #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
                expectSecurityHeaders(try await harness.client.request("GET", "/api/auth/me", token: token), "API")
                expectSecurityHeaders(try await harness.client.request("GET", "/api/auth/me"), "401")
                expectSecurityHeaders(try await harness.client.request("GET", "/no/such/route"), "404")
                expectSecurityHeaders(try await harness.client.request("GET", "/open311/v2/services.json", token: token), "Open311")
            }
        }

        @Test func varyAcceptEncodingOnEveryAnswerThatCouldBeGzipped() async throws {
            try await withGateway { harness in
                let token = try await harness.login("leader")
                // Small (never gzipped today) and large, with and without Accept-Encoding.
                for (path, auth) in [("/healthz", nil), ("/api/auth/me", token), ("/openapi.json", nil), ("/", nil)] {
                    for accept in [[:], ["Accept-Encoding": "gzip"]] {
                        let response = try await harness.client.request("GET", path, token: auth, headers: accept)
                        #expect(response.status == 200)
                        #expect(response.headers["vary"]?.lowercased().contains("accept-encoding") == true, "\(path) \(accept)")
                    }
                }
            }
        }

        @Test func jsonBodiesMustBeSentAsJSON() async throws {
            try await withGateway { harness in
                let token = try await harness.login("resident")
                let submit = #"{"clientRequestId":"0b6f3f0e-1","submission":{"problemDescription":"x","place":{"villageId":{"value":"V01"}}}}"#
                for type in ["text/plain", "application/x-www-form-urlencoded", "application/xml", "text/xml", "application/json; charset=latin1"] {
                    let refused = try await harness.client.request("POST", "/api/intake/tickets", token: token, body: submit, contentType: type)
                    #expect(refused.status == 415, "\(type): \(refused.status) \(refused.body)")
                    #expect((refused.object["error"] as? [String: Any])?["reason"] as? String == "UNSUPPORTED_MEDIA_TYPE")
                    let login = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"township-demo"}"#, contentType: type)
                    #expect(login.status == 415, "login as \(type)")
                }
                #expect(harness.intake.tickets.isEmpty)
                for type in ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"] {
                    let accepted = try await harness.client.request(
                        "POST", "/api/intake/tickets", token: token, body: submit.replacingOccurrences(of: "-1", with: "-\(type.count)"), contentType: type)
                    #expect(accepted.status == 201, "\(type): \(accepted.body)")
                }
            }
        }
    }
}
