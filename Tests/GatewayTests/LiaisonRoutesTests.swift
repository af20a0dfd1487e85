import Foundation
import GatewayCore
import TownshipRPC
import Testing

extension GatewaySuites {
    /// enterprise-liaison's routes at the gateway, with its backend wired to an address where
    /// nothing listens: the gateway's own part (documentation, roles, a partial overview).
    /// The service itself behind them is driven by LiaisonEndToEndTests and LiaisonServiceTests.
    @Suite struct LiaisonRoutesTests {
        /// A liaison backend whose service is down (port 1 on loopback refuses connections).
        static func downBackend() throws -> LiaisonBackend {
            let pki = GatewayTestPKI.shared
            let connector = BackendConnector(certificatePath: pki.gateway.certificatePath, privateKeyPath: pki.gateway.privateKeyPath,
                                             caPath: pki.ca.certificatePath, logger: GatewayHarness.logger("liaison.rpc"))
            return LiaisonBackend(client: try connector.client(for: "enterprise-liaison", endpoints: [RPCEndpoint(host: "127.0.0.1", port: 1)]).0)
        }

        @Test func wiredItsRoutesAreDocumentedWithTheirRoles() async throws {
            try await withGateway(extraBackends: [try Self.downBackend()]) { harness in
                let response = try await harness.client.request("GET", "/openapi.json")
                let document = try #require(response.object["paths"] as? [String: [String: Any]])
                let served = harness.gateway.routes.filter { $0.path.hasPrefix("/api/enterprise-liaison/") }
                #expect(served.count == 24)
                for route in served {
                    let operation = document[route.path]?[route.method.lowercased()] as? [String: Any]
                    #expect(operation != nil, "\(route) is not documented")
                    let roles = (operation?["x-township-roles"] as? [String]).map(Set.init)
                    #expect(roles == route.roles.map { Set($0.map(\.rawValue)) }, "\(route)")
                }
                let documented = document.keys.filter { $0.hasPrefix("/api/enterprise-liaison/") }
                #expect(Set(documented) == Set(served.map(\.path)))
            }
        }

        @Test func unwiredItsPathsLeaveTheDocument() async throws {
            try await withGateway { harness in
                let response = try await harness.client.request("GET", "/openapi.json")
                let document = try #require(response.object["paths"] as? [String: Any])
                #expect(!document.keys.contains { $0.hasPrefix("/api/enterprise-liaison/") })
                #expect(document["/api/intake/tickets"] != nil)
            }
        }

        @Test func rolesAreCheckedAtTheGatewayAndADownServiceIsAClearError() async throws {
            try await withGateway(tweak: { $0.overviewCacheTTL = .zero }, extraBackends: [try Self.downBackend()]) { harness in
                let resident = try await harness.login("resident")
                #expect(try await harness.client.request("GET", "/api/enterprise-liaison/problems", token: resident).status == 403)
                let liaison = try await harness.login("liaison")
                // A liaison files; the office publishes; a department claims; nobody else.
                #expect(try await harness.client.request("POST", "/api/enterprise-liaison/lists/2026-03-1/publish", token: liaison, body: "{}").status == 403)
                #expect(try await harness.client.request("POST", "/api/enterprise-liaison/problems/1/claim", token: liaison, body: "{}").status == 403)
                // Only the office refers an item to intake.
                #expect(try await harness.client.request("POST", "/api/enterprise-liaison/problems/1/refer", token: liaison, body: "{}").status == 403)
                #expect(try await harness.client.request("POST", "/api/enterprise-liaison/problems/1/refer", token: try await harness.login("dept"), body: "{}").status == 403)
                let badID = try await harness.client.request("POST", "/api/enterprise-liaison/problems/abc/claim", token: try await harness.login("dept"), body: "{}")
                #expect(badID.status == 400)
                // The service is down: the call fails as unavailable, and the overview is partial.
                let down = try await harness.client.request("GET", "/api/enterprise-liaison/problems", token: liaison)
                #expect(down.status == 503 || down.status == 502 || down.status == 504, "\(down.status) \(down.body)")
                let leader = try await harness.login("leader")
                let overview = try await harness.client.request("GET", "/api/cockpit/overview", token: leader)
                #expect(overview.object["complete"] as? Bool == false)
                let section = (overview.object["sections"] as? [String: [String: Any]])?["enterprise-liaison"]
                #expect(section?["status"] as? String != "ok")
                #expect((overview.object["sections"] as? [String: [String: Any]])?["intake"]?["status"] as? String == "ok")
            }
        }

        @Test func thePanelScriptIsServed() async throws {
            try await withGateway { harness in
                let script = try await harness.client.request("GET", "/cockpit-enterprise-liaison.js")
                #expect(script.status == 200 && script.body.contains("cockpit:overview"))
                let page = try await harness.client.request("GET", "/")
                #expect(page.body.contains("/cockpit-enterprise-liaison.js"))
            }
        }
    }
}
