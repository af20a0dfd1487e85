import GatewayCore
import Testing

extension GatewaySuites {
    /// Each role can do exactly its operations: every (role, operation) pair through the real
    /// HTTP server and the fake intake over mutual TLS.
    @Suite struct RoleMatrixTests {
        struct Operation: Sendable, CustomStringConvertible {
            var method: String
            var path: String
            var body: String?
            var contentType = "application/json"
            var allowed: Set<GatewayRole>
            var description: String { "\(method) \(path)" }
        }

        static let submitBody = #"{"clientRequestId":"ID","submission":{"channel":"CHANNEL_OTHER","place":{"villageId":{"value":"V01"}},"problemDescription":"路灯坏了"}}"#

        static let operations: [Operation] = [
            Operation(method: "POST", path: "/api/intake/tickets", body: submitBody, allowed: IntakeRoles.submit),
            Operation(method: "GET", path: "/api/intake/tickets", allowed: IntakeRoles.read),
            Operation(method: "GET", path: "/api/intake/tickets?status=submitted&overdue=false", allowed: IntakeRoles.read),
            Operation(method: "GET", path: "/api/intake/tickets/t-1", allowed: IntakeRoles.read),
            Operation(method: "GET", path: "/api/intake/tickets/2026-000001", allowed: IntakeRoles.read),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/accept", body: #"{"classification":{"categoryId":{"value":"c-power"}}}"#, allowed: IntakeRoles.triage),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/reject", body: #"{"rejection":{"reason":"不属于乡镇事务"}}"#, allowed: IntakeRoles.triage),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/duplicate", body: #"{"duplicateLink":{"originalId":{"value":"t-2"}}}"#, allowed: IntakeRoles.triage),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/resolve-at-village", body: "{}", allowed: IntakeRoles.triage),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/dispatch", body: #"{"departmentDispatch":{"departmentId":{"value":"dept-social"}}}"#, allowed: IntakeRoles.triage),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/sign", body: "{}", allowed: [.departmentStaff]),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/return", body: #"{"returnToTriage":{"reason":"RETURN_REASON_WRONG_TERRITORY"}}"#, allowed: [.departmentStaff]),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/start", body: "{}", allowed: [.departmentStaff, .gridWorker]),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/reply", body: #"{"reply":{"outcome":"OUTCOME_FIXED","result":"已修复"}}"#, allowed: [.departmentStaff, .gridWorker]),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/follow-up", body: #"{"followUp":{"result":"FOLLOW_UP_RESULT_SATISFIED"}}"#, allowed: [.gridWorker, .leader, .admin]),
            Operation(method: "POST", path: "/api/intake/tickets/t-1/close", body: "{}", allowed: [.gridWorker, .leader, .admin]),
            Operation(method: "GET", path: "/api/intake/statistics", allowed: [.leader, .admin]),
            Operation(method: "POST", path: "/api/intake/ledger/verify", body: "{}", allowed: [.leader, .admin]),
            Operation(method: "GET", path: "/api/intake/villages", allowed: .everyone),
            Operation(method: "GET", path: "/api/intake/grids", allowed: .everyone),
            Operation(method: "GET", path: "/api/intake/departments", allowed: .everyone),
            Operation(method: "GET", path: "/api/intake/categories", allowed: .everyone),
            Operation(method: "GET", path: "/api/cockpit/overview", allowed: [.leader, .admin]),
            Operation(method: "GET", path: "/api/auth/me", allowed: .everyone),
            // Open311 reads are public (open311.publicRead, on by default): every role, and no session.
            Operation(method: "GET", path: "/open311/v2/services.json", allowed: .everyone),
            Operation(method: "GET", path: "/open311/v2/requests.json?status=open", allowed: .everyone),
            Operation(method: "GET", path: "/open311/v2/requests/t-1.json", allowed: .everyone),
            Operation(
                method: "POST", path: "/open311/v2/requests.json", body: "service_code=c-power&description=%E8%B7%AF%E7%81%AF&village_id=V01&lat=30.1&long=120.2",
                contentType: "application/x-www-form-urlencoded", allowed: IntakeRoles.submit),
        ]

        @Test func everyRoleCanDoExactlyItsOperations() async throws {
            try await withGateway { harness in
                harness.intake.seed(village: "V01", grid: "V01-L2-1-G1", category: "c-power", status: .submitted)
                harness.intake.seed(village: "V01", category: "c-power", status: .submitted)
                var mismatches: [String] = []
                for user in DemoUsers.all {
                    let token = try await harness.login(user.login)
                    for operation in Self.operations {
                        let body = operation.body?.replacingOccurrences(of: "\"ID\"", with: "\"req-\(user.login)\"")
                        let response = try await harness.client.request(
                            operation.method, operation.path, token: token, body: body, contentType: operation.contentType)
                        let expected = operation.allowed.contains(user.role)
                        let ok = expected ? (200..<300).contains(response.status) : response.status == 403
                        if !ok { mismatches.append("\(user.role.rawValue) \(operation): \(response.status) \(response.body.prefix(200))") }
                    }
                }
                #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            }
        }

        @Test func withoutASessionEverythingButSignInIsRefused() async throws {
            try await withGateway { harness in
                harness.intake.seed(village: "V01", category: "c-power", status: .submitted)
                for operation in Self.operations {
                    let response = try await harness.client.request(operation.method, operation.path, body: operation.body, contentType: operation.contentType)
                    if operation.method == "GET" && operation.path.hasPrefix("/open311/") {
                        #expect(response.status == 200, "\(operation): public reads")
                        continue
                    }
                    #expect(response.status == 401, "\(operation)")
                    if operation.path.hasPrefix("/open311/") {
                        // GeoReport v2's error format, which Open311 clients parse.
                        #expect((response.json as? [[String: Any]])?.first?["code"] as? Int == 401, "\(operation)")
                    } else {
                        #expect((response.object["error"] as? [String: Any])?["code"] as? String == "UNAUTHENTICATED", "\(operation)")
                    }
                }
                let forged = try await harness.client.request("GET", "/api/intake/tickets", token: "not-a-session")
                #expect(forged.status == 401)
            }
        }

        /// The principal at intake is the session's user, whatever the client sends.
        @Test func thePrincipalIsNeverWidened() async throws {
            try await withGateway { harness in
                let token = try await harness.login("resident")
                // A body claiming someone else is refused outright: no field of the request carries a principal.
                let claim = Self.submitBody.replacingOccurrences(of: "\"ID\"", with: "\"r-1\",\"submittedBy\":{\"userId\":{\"value\":\"u-leader\"},\"role\":\"ROLE_LEADER\"}")
                let refused = try await harness.client.request("POST", "/api/intake/tickets", token: token, body: claim)
                #expect(refused.status == 400)
                // (Only the gateway's own event-feed subscription has called intake.)
                #expect(harness.intake.principals.allSatisfy { $0.userID.value == "gateway-event-feed" })

                let filed = try await harness.client.request("POST", "/api/intake/tickets", token: token, body: Self.submitBody.replacingOccurrences(of: "\"ID\"", with: "\"r-2\""))
                #expect(filed.status == 201)
                let principal = try #require(harness.intake.principals.last)
                #expect(principal.userID.value == "u-resident")
                #expect(principal.role == .resident)
                #expect(!principal.hasGridID && !principal.hasDepartmentID)

                let grid = try await harness.login("grid")
                _ = try await harness.client.request("GET", "/api/intake/tickets", token: grid)
                let gridPrincipal = try #require(harness.intake.principals.last)
                #expect(gridPrincipal.role == .gridWorker && gridPrincipal.gridID.value == "V01-L2-1-G1" && !gridPrincipal.hasDepartmentID)
            }
        }

        @Test func serviceErrorsMapToHTTPStatusesWithTheirReason() async throws {
            try await withGateway { harness in
                let token = try await harness.login("leader")
                let missing = try await harness.client.request("POST", "/api/intake/tickets/t-404/close", token: token, body: "{}")
                #expect(missing.status == 404)
                let error = missing.object["error"] as? [String: Any]
                #expect(error?["reason"] as? String == "TICKET_NOT_FOUND")
                #expect(error?["code"] as? String == "NOT_FOUND")
                let invalid = try await harness.client.request("POST", "/api/intake/tickets", token: token, body: #"{"clientRequestId":"x","submission":{}}"#)
                #expect(invalid.status == 400)
                let badJSON = try await harness.client.request("POST", "/api/intake/tickets/t-1/accept", token: token, body: #"{"nonsense":1}"#)
                #expect(badJSON.status == 400)
                #expect((badJSON.object["error"] as? [String: Any])?["reason"] as? String == "INVALID_JSON")
                let badStatus = try await harness.client.request("GET", "/api/intake/tickets?status=bogus", token: token)
                #expect(badStatus.status == 400)
            }
        }
    }
}
