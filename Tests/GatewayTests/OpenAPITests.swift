import Foundation
import GatewayCore
import TownshipRPC
import Testing

extension GatewaySuites {
    /// The OpenAPI document and the router describe the same API.
    @Suite struct OpenAPITests {
        /// Every backend of `BackendCatalog` besides intake (which the harness wires), on a
        /// client that is never called: only their routes are compared.
        static func otherBackends() throws -> [any Backend] {
            let pki = GatewayTestPKI.shared
            let connector = BackendConnector(certificatePath: pki.gateway.certificatePath, privateKeyPath: pki.gateway.privateKeyPath,
                                             caPath: pki.ca.certificatePath, logger: GatewayHarness.logger("gateway.rpc"))
            return try BackendCatalog.factories.filter { $0.key != "intake" }.sorted { $0.key < $1.key }.map { name, factory in
                factory(BackendReplicas(client: try connector.client(for: name, endpoints: [RPCEndpoint(host: "127.0.0.1", port: 1)]).0))
            }
        }

        @Test func everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() async throws {
            try await withGateway(extraBackends: try Self.otherBackends()) { harness in
                let response = try await harness.client.request("GET", "/openapi.json")
                #expect(response.status == 200)
                let document = try #require(response.object["paths"] as? [String: [String: Any]])
                var documented: Set<String> = []
                for (path, operations) in document {
                    for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
                }
                let served = Set(harness.gateway.routes.map(\.description))
                #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
                #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
                // The roles in the document are the ones enforced.
                for route in harness.gateway.routes {
                    let operation = document[route.path]?[route.method.lowercased()] as? [String: Any]
                    let roles = (operation?["x-township-roles"] as? [String]).map(Set.init)
                    #expect(roles == route.roles.map { Set($0.map(\.rawValue)) }, "\(route)")
                }
            }
        }
    }
}
