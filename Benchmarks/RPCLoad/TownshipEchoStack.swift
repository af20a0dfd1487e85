import BenchmarkSupport
import Foundation
import Logging
import NIOCore
import SwiftProtobuf
import TownshipRPC
import TownshipTLS
import TownshipWire

/// A TWP/1 echo server and `connections` clients on 127.0.0.1, over mutual TLS 1.3 (our
/// OpenSSL handler) or plain TCP.
final class TownshipEchoStack: Sendable {
    static let method = "bench.echo.v1.Echo/Say"

    private let server: RPCServer
    private let serverTask: Task<Void, Error>
    private let clients: [RPCClient]

    private init(server: RPCServer, serverTask: Task<Void, Error>, clients: [RPCClient]) {
        self.server = server
        self.serverTask = serverTask
        self.clients = clients
    }

    static func start(pki: BenchmarkPKI?, connections: Int) async throws -> TownshipEchoStack {
        var router = RPCRouter()
        router.unary(method, Google_Protobuf_BytesValue.self, Google_Protobuf_BytesValue.self) { request, _ in request }
        var logger = Logger(label: "rpcload.township")
        logger.logLevel = .warning
        let serverSecurity: ServerTransportSecurity
        let clientSecurity: ClientTransportSecurity
        if let pki {
            serverSecurity = TLSServerTransport(contexts: try ReloadableTLSContext(configuration: .server(
                certificateChainPath: pki.server.certificatePath, privateKeyPath: pki.server.privateKeyPath,
                trustedCAPath: pki.ca.certificatePath)), logger: logger)
            clientSecurity = TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
                certificateChainPath: pki.client.certificatePath, privateKeyPath: pki.client.privateKeyPath,
                trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: pki.serverIdentity)), logger: logger)
        } else {
            serverSecurity = PlaintextTransport()
            clientSecurity = PlaintextTransport()
        }
        // Room for the highest concurrency on one connection.
        let limits = Hello(maxConcurrentRequests: 4_096, agent: "rpcload-server", isAck: true)
        let server = RPCServer(
            configuration: RPCServerConfiguration(limits: limits, drainTimeout: .seconds(5), logger: logger),
            router: router, security: serverSecurity)
        let serverTask = Task { try await server.run() }
        let port = try await server.localAddress().port!
        let clients = (0..<connections).map { _ in
            RPCClient(
                configuration: RPCClientConfiguration(
                    endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)],
                    serverIdentity: pki?.serverIdentity,
                    limits: Hello(maxConcurrentRequests: 0, agent: "rpcload-client"),
                    keepaliveInterval: nil, maxAttempts: 1, logger: logger),
                security: clientSecurity)
        }
        let stack = TownshipEchoStack(server: server, serverTask: serverTask, clients: clients)
        // Connect every client before the clock starts.
        for worker in 0..<connections { try await stack.call(worker: worker, payload: Google_Protobuf_BytesValue(Data(count: 1))) }
        return stack
    }

    /// Worker `worker` uses connection `worker % connections`.
    func call(worker: Int, payload: Google_Protobuf_BytesValue) async throws {
        let answer = try await clients[worker % clients.count].unary(Self.method, payload, as: Google_Protobuf_BytesValue.self)
        guard answer.value.count == payload.value.count else { throw EchoMismatch() }
    }

    func stop() async {
        for client in clients { await client.shutdown() }
        serverTask.cancel()
        _ = try? await serverTask.value
    }
}

struct EchoMismatch: Error {}
