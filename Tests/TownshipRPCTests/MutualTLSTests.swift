import Foundation
import NIOCore
import NIOPosix
import SwiftProtobuf
import Testing
import TownshipCertificates
import TownshipRPC
import TownshipTLS
import TownshipWire

@Suite struct MutualTLSTests {
    enum Case: String, CaseIterable, Sendable {
        case valid, noClientCertificate, otherCA, expired, wrongServerIdentity
    }

    /// Only the first case gets an answer; every other fails without reaching a handler.
    @Test(arguments: Case.allCases)
    func theMutualTLSMatrix(_ scenario: Case) async throws {
        let pki = TestPKI.shared
        let serverFiles = scenario == .wrongServerIdentity ? pki.intakeImpostor : pki.echo
        let clientFiles: CertificateFiles? = switch scenario {
        case .valid, .wrongServerIdentity: pki.gateway
        case .noClientCertificate: nil
        case .otherCA: pki.foreignGateway
        case .expired: pki.expiredGateway
        }
        let harness = try await RPCTestHarness.start(
            serverSecurity: try pki.serverTransport(serverFiles), clientSecurity: try pki.clientTransport(clientFiles),
            serverIdentity: TestPKI.echoIdentity)
        do {
            let answer = try await harness.client.unary(
                EchoService.say, Google_Protobuf_StringValue("网格员"), as: Google_Protobuf_StringValue.self,
                options: CallOptions(timeout: .seconds(5)))
            #expect(scenario == .valid, "\(scenario) was accepted")
            #expect(answer.value == "网格员")
        } catch let error as RPCError {
            #expect(scenario != .valid, "the valid case failed: \(error)")
            #expect(error.status == .unavailable)
        }
        #expect(harness.service.handled.load(ordering: .relaxed) == (scenario == .valid ? 1 : 0))
        await harness.stop()
    }

    @Test func theHandlerSeesTheCallersIdentity() async throws {
        let pki = TestPKI.shared
        var router = RPCRouter()
        router.unary("test.echo.v1.Echo/WhoAmI", Google_Protobuf_Empty.self, Google_Protobuf_StringValue.self) { _, context in
            Google_Protobuf_StringValue(context.peerIdentity ?? "")
        }
        let server = RPCServer(configuration: RPCServerConfiguration(), router: router, security: try pki.serverTransport())
        let running = Task { try await server.run() }
        let port = try await server.localAddress().port!
        let client = RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)], serverIdentity: TestPKI.echoIdentity),
            security: try pki.clientTransport(pki.gateway))
        let answer = try await client.unary("test.echo.v1.Echo/WhoAmI", Google_Protobuf_Empty(), as: Google_Protobuf_StringValue.self)
        #expect(answer.value == TestPKI.gatewayIdentity)
        await client.shutdown()
        running.cancel()
        _ = try? await running.value
    }

    /// Connections that never even start a handshake take no capacity from real clients,
    /// and are closed by the handshake timeout.
    @Test func aThousandStalledHandshakesDoNotStarveRealClients() async throws {
        let pki = TestPKI.shared
        let harness = try await RPCTestHarness.start(
            serverSecurity: try pki.serverTransport(), clientSecurity: try pki.clientTransport(pki.gateway), serverIdentity: TestPKI.echoIdentity)
        let stalled = try await withThrowingTaskGroup(of: Channel.self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(host: "127.0.0.1", port: harness.address.port!).get()
                }
            }
            return try await group.reduce(into: [Channel]()) { $0.append($1) }
        }
        let started = ContinuousClock.now
        for index in 0..<20 {
            let answer = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("\(index)"), as: Google_Protobuf_StringValue.self, options: CallOptions(timeout: .seconds(5)))
            #expect(answer.value == "\(index)")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        for channel in stalled { try? await channel.close() }
        await harness.stop()
    }
}
