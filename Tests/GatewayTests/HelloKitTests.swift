import Foundation
import GatewayCore
import Hummingbird
import SwiftProtobuf
import Testing
import TownshipTestSupport
import TownshipProtos
import TownshipRPC

/// The service kit's promise: a service that is only its domain (`Tests/HelloService`, under
/// 150 lines) checks its configuration, seeds, serves TWP/1 on mutual TLS, is reached through
/// the gateway with the signed-in user's principal, and stops cleanly on SIGTERM.
extension GatewaySuites {
    @Suite struct HelloKitTests {
        static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

        @Test func skeletonServiceChecksSeedsServesAndIsReachedThroughTheGateway() async throws {
            let binary = Self.repository.appendingPathComponent(".build/debug/hello")
            try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                         "build it first: swift build --product hello (scripts/test does)")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hello-kit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let pki = GatewayTestPKI.shared
            let port = FreePort.pick()
            let tls = #""tls": {"certificate": "\#(pki.hello.certificatePath)", "key": "\#(pki.hello.privateKeyPath)", "ca": "\#(pki.ca.certificatePath)"}"#
            let config = directory.appendingPathComponent("hello.json")
            try Data(#"{"rpc": {"port": \#(port)}, "metrics": {"port": 0}, \#(tls), "state": {"directory": "\#(directory.path)/state"}, "hello.greeting": "您好"}"#.utf8).write(to: config)
            let misspelt = directory.appendingPathComponent("misspelt.json")
            try Data(#"{"rpc": {"port": \#(port)}, \#(tls), "hello": {"greting": "hi"}}"#.utf8).write(to: misspelt)

            // check-config: the kit's typed check, with the service's own keys.
            let good = try runToCompletion(binary, ["check-config", "--config", config.path])
            #expect(good.0 == 0 && good.1.contains("OK"), "\(good.1)")
            let bad = try runToCompletion(binary, ["check-config", "--config", misspelt.path])
            #expect(bad.0 != 0 && bad.1.contains("hello.greting"), "\(bad.1)")

            // seed: once, then refused without --force.
            let seeded = try runToCompletion(binary, ["seed", "--config", config.path])
            #expect(seeded.0 == 0 && seeded.1.contains("seeded 3 visitors"), "\(seeded.1)")
            let again = try runToCompletion(binary, ["seed", "--config", config.path])
            #expect(again.0 != 0 && again.1.contains("refusing to seed twice"), "\(again.1)")

            // serve, reached through the gateway as the signed-in leader.
            let serve = Process()
            serve.executableURL = binary
            serve.arguments = ["serve", "--config", config.path]
            serve.standardError = FileHandle.nullDevice
            try serve.run()
            defer { if serve.isRunning { serve.terminate(); serve.waitUntilExit() } }
            let connector = BackendConnector(certificatePath: pki.gateway.certificatePath, privateKeyPath: pki.gateway.privateKeyPath,
                                             caPath: pki.ca.certificatePath, logger: GatewayHarness.logger("hello.rpc"))
            let (client, _) = try connector.client(for: "hello", endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)])
            try await withGateway(extraBackends: [HelloBackend(client: client)]) { gateway in
                let token = try await gateway.login("leader")
                var answer = try await gateway.client.request("GET", "/api/hello?name=%E5%BC%A0%E4%B8%89", token: token)
                for _ in 0..<100 where answer.status == 503 || answer.status == 502 {
                    try await Task.sleep(for: .milliseconds(100))  // the service may still be binding its port
                    answer = try await gateway.client.request("GET", "/api/hello?name=%E5%BC%A0%E4%B8%89", token: token)
                }
                #expect(answer.status == 200, "\(answer.body)")
                #expect(answer.body.contains("您好, 张三 (leader, visit 1)"), "\(answer.body)")
                let seededVisitor = try await gateway.client.request("GET", "/api/hello?name=%E7%8E%8B%E8%8A%B3", token: token)
                #expect(seededVisitor.body.contains("王芳 (leader, visit 2)"), "\(seededVisitor.body)")
                let anonymous = try await gateway.client.request("GET", "/api/hello?name=x")
                #expect(anonymous.status == 401)
                let tooLong = try await gateway.client.request("GET", "/api/hello?name=\(String(repeating: "x", count: 65))", token: token)
                #expect(tooLong.status == 400 && tooLong.body.contains("at most 64 characters"), "\(tooLong.body)")
            }
            // SIGTERM: the kit's graceful stop.
            serve.terminate()
            serve.waitUntilExit()
            #expect(serve.terminationReason == .exit && serve.terminationStatus == 0)
        }
    }
}

/// The skeleton service behind the gateway: one route, calling through the public `BackendCall`.
struct HelloBackend: Backend {
    let name = "hello"
    let client: RPCClient
    static let greet = MethodDescriptor<Google_Protobuf_StringValue, Google_Protobuf_StringValue>(
        service: "township.hello.v1.Hello", name: "Greet", kind: .unary)

    func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        OverviewSectionData(data: .object([("status", .string("up"))]))
    }

    var eventSource: (any BackendEventSource)? { nil }

    func addRoutes(to table: RouteTable) {
        table.add(.get, "/api/hello", roles: [.leader, .admin]) { request, _, user in
            let name = Google_Protobuf_StringValue(request.uri.queryParameters.get("name") ?? "")
            return try ProtoJSON.response(try await BackendCall(Self.greet)(name, on: client, for: user))
        }
    }

    func shutdown() async {
        await client.shutdown()
    }
}
