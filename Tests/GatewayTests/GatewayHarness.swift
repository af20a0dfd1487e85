import Foundation
import Testing
import GatewayCore
import Logging
import NIOCore
import Synchronization
import TownshipCertificates
import TownshipRPC
import TownshipTLS

/// Development certificates for the gateway and the fake intake, made once per test run.
struct GatewayTestPKI: Sendable {
    let ca: CertificateFiles
    let intake: CertificateFiles
    let gateway: CertificateFiles
    /// For the kit's skeleton service (`HelloKitTests`).
    let hello: CertificateFiles

    static let shared: GatewayTestPKI = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-pki-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try! DevelopmentCA.create()
        return GatewayTestPKI(
            ca: try! ca.write(to: directory),
            intake: try! ca.issue(identity: .service("intake")).write(to: directory),
            gateway: try! ca.issue(identity: .service("gateway")).write(to: directory),
            hello: try! ca.issue(identity: .service("hello")).write(to: directory))
    }()
}

/// A fake intake on mutual TLS (trusting only the gateway to forward principals) and the
/// gateway in front of it, both on 127.0.0.1 with ports picked by the system.
final class GatewayHarness: Sendable {
    let intake: FakeIntake
    let gateway: Gateway
    let client: HTTPTestClient
    let intakePort: Int
    let directory: URL
    private let intakeTask: Mutex<Task<Void, any Error>?>
    private let appTask: Task<Void, any Error>

    static let gatewayIdentity = "spiffe://township.local/service/gateway"

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }

    static func startIntake(_ intake: FakeIntake, port: Int = 0) async throws -> (Task<Void, any Error>, Int) {
        let pki = GatewayTestPKI.shared
        let contexts = try ReloadableTLSContext(configuration: .server(
            certificateChainPath: pki.intake.certificatePath, privateKeyPath: pki.intake.privateKeyPath, trustedCAPath: pki.ca.certificatePath))
        let server = RPCServer(
            configuration: RPCServerConfiguration(
                port: port, drainTimeout: .milliseconds(100),
                authorizeCaller: { $0 == gatewayIdentity }, mayForwardPrincipal: { $0 == gatewayIdentity },
                logger: logger("fake-intake")),
            router: intake.router, security: TLSServerTransport(contexts: contexts, logger: logger("fake-intake.tls")))
        let task = Task { try await server.run() }
        let address = try await server.localAddress()
        return (task, address.port!)
    }

    static func start(
        tweak: (inout GatewaySettings) -> Void = { _ in }, extraBackends: [any Backend] = []
    ) async throws -> GatewayHarness {
        let intake = FakeIntake()
        let (intakeTask, intakePort) = try await startIntake(intake)
        let pki = GatewayTestPKI.shared
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-test-\(UUID().uuidString)")
        var settings = GatewaySettings(
            httpHost: "127.0.0.1", httpPort: 0,
            certificatePath: pki.gateway.certificatePath, privateKeyPath: pki.gateway.privateKeyPath, caPath: pki.ca.certificatePath,
            backendEndpoints: ["intake": [RPCEndpoint(host: "127.0.0.1", port: intakePort)]],
            usersDatabasePath: directory.appendingPathComponent("users.sqlite").path)
        tweak(&settings)
        return try await startGateway(
            settings: settings, intake: intake, intakeTask: intakeTask, intakePort: intakePort, directory: directory, extraBackends: extraBackends)
    }

    private static func startGateway(
        settings: GatewaySettings, intake: FakeIntake, intakeTask: Task<Void, any Error>?, intakePort: Int, directory: URL,
        extraBackends: [any Backend]
    ) async throws -> GatewayHarness {
        let store = try UserStore(path: settings.usersDatabasePath, bcryptCost: 4)
        try await store.seedDemoUsersIfEmpty()
        let connector = BackendConnector(
            certificatePath: settings.certificatePath, privateKeyPath: settings.privateKeyPath, caPath: settings.caPath,
            logger: logger("gateway.rpc"))
        let (rpcClient, _) = try connector.client(for: "intake", endpoints: settings.backendEndpoints["intake"]!)
        let gateway = try Gateway(
            settings: settings, store: store, backends: [IntakeBackend(client: rpcClient)] + extraBackends, logger: logger("gateway"))
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = gateway.application(onServerRunning: { channel in
            portSink.yield(channel.localAddress?.port ?? 0)
            portSink.finish()
        })
        let appTask = Task { try await app.run() }
        var port = 0
        for await value in ports { port = value }
        return GatewayHarness(
            intake: intake, gateway: gateway, client: HTTPTestClient(port: port), intakePort: intakePort,
            directory: directory, intakeTask: intakeTask, appTask: appTask)
    }

    /// Stops this gateway, as if its process were killed, and starts a new one (on another
    /// port) with the same settings, users database and intake, which the new harness owns.
    func restartGateway() async throws -> GatewayHarness {
        appTask.cancel()
        _ = try? await appTask.value
        await gateway.shutdown()
        let task = intakeTask.withLock { task in
            defer { task = nil }
            return task
        }
        return try await Self.startGateway(
            settings: gateway.settings, intake: intake, intakeTask: task, intakePort: intakePort, directory: directory, extraBackends: [])
    }

    private init(intake: FakeIntake, gateway: Gateway, client: HTTPTestClient, intakePort: Int, directory: URL, intakeTask: Task<Void, any Error>?, appTask: Task<Void, any Error>) {
        self.intake = intake
        self.gateway = gateway
        self.client = client
        self.intakePort = intakePort
        self.directory = directory
        self.intakeTask = Mutex(intakeTask)
        self.appTask = appTask
    }

    /// Stops the fake intake, as if its process were killed.
    func killIntake() async {
        let task = intakeTask.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        _ = try? await task?.value
    }

    /// Starts the fake intake again on the same port, with the same data.
    func restartIntake() async throws {
        let (task, _) = try await Self.startIntake(intake, port: intakePort)
        intakeTask.withLock { $0 = task }
    }

    func login(_ login: String, password: String = DemoUsers.password) async throws -> String {
        let response = try await client.request("POST", "/api/auth/login", body: #"{"login":"\#(login)","password":"\#(password)"}"#)
        guard response.status == 200, let token = response.object["token"] as? String else {
            throw LoginFailed(status: response.status, body: response.body)
        }
        return token
    }

    struct LoginFailed: Error {
        var status: Int
        var body: String
    }

    func stop() async {
        appTask.cancel()
        _ = try? await appTask.value
        await killIntake()
        await gateway.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A second backend that answers at once, to show a partial overview next to a dead one.
struct StaticBackend: Backend {
    let name: String
    func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData {
        OverviewSectionData(data: .object([("registeredElders", .integer(12568))]))
    }
    var eventSource: (any BackendEventSource)? { nil }
    func addRoutes(to table: RouteTable) {}
    func shutdown() async {}
}

/// Runs `body` against a fresh harness and stops it afterwards, whatever happens.
func withGateway<T>(
    tweak: (inout GatewaySettings) -> Void = { _ in }, extraBackends: [any Backend] = [],
    _ body: (GatewayHarness) async throws -> T
) async throws -> T {
    let harness = try await GatewayHarness.start(tweak: tweak, extraBackends: extraBackends)
    do {
        let result = try await body(harness)
        await harness.stop()
        return result
    } catch {
        await harness.stop()
        throw error
    }
}

/// Every gateway suite, one at a time: several measure deadlines and latencies, and the
/// browser test's Chromium would otherwise take the CPU they are measured on.
///
/// A test that hangs (a regression that leaves a connection open) fails after the time limit.
@Suite(.serialized, .timeLimit(.minutes(2))) enum GatewaySuites {}
