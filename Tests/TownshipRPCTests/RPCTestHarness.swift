import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TownshipRPC
import TownshipWire

/// A live server on 127.0.0.1 with a client pointed at it, torn down at the end.
struct RPCTestHarness {
    let service: EchoService
    let server: RPCServer
    let client: RPCClient
    let address: SocketAddress
    let serverTask: Task<Void, Error>

    static func start(
        limits: Hello = Hello(maxConcurrentRequests: 128, agent: "test", isAck: true),
        serverSecurity: ServerTransportSecurity = PlaintextTransport(),
        clientSecurity: ClientTransportSecurity = PlaintextTransport(),
        serverIdentity: String? = nil,
        clientLimits: Hello = Hello(maxConcurrentRequests: 0, agent: "test-client"),
        keepalive: Duration? = nil,
        server configure: (inout RPCServerConfiguration) -> Void = { _ in },
        client configureClient: (inout RPCClientConfiguration) -> Void = { _ in }
    ) async throws -> RPCTestHarness {
        let service = EchoService()
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        var configuration = RPCServerConfiguration(limits: limits, drainTimeout: .seconds(10), logger: logger)
        configure(&configuration)
        let server = RPCServer(configuration: configuration, router: service.router, security: serverSecurity)
        let serverTask = Task { try await server.run() }
        let address = try await server.localAddress()
        var clientConfiguration = RPCClientConfiguration(
            endpoints: [RPCEndpoint(host: "127.0.0.1", port: address.port!)], serverIdentity: serverIdentity,
            limits: clientLimits, keepaliveInterval: keepalive, keepaliveTimeout: .milliseconds(500))
        configureClient(&clientConfiguration)
        let client = RPCClient(configuration: clientConfiguration, security: clientSecurity)
        return RPCTestHarness(service: service, server: server, client: client, address: address, serverTask: serverTask)
    }

    func stop() async {
        await client.shutdown()
        serverTask.cancel()
        _ = try? await serverTask.value
    }
}
