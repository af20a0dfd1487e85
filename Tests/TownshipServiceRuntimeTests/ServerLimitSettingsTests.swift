import Foundation
import Testing
import TownshipCatalogue
import TownshipRPC
import TownshipServiceRuntime
import TownshipTLS

/// Operators set the TWP/1 server's and TLS's limits in a service's configuration: the shared
/// check knows their keys and types, and the runner builds its server and TLS from them.
@Suite struct ServerLimitSettingsTests {
    static func file(_ json: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("service-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        return file
    }

    static func settings(_ json: String) async throws -> ServiceSettings {
        let file = try file(json)
        defer { try? FileManager.default.removeItem(at: file) }
        try ServiceConfigurationCheck.checkFile(file.path, knownKeys: ServiceSettings.knownKeys)
        let intake = try #require(ServiceCatalogue.service(named: "intake"))
        return try ServiceSettings(serviceName: intake.name, defaultPort: intake.rpcPort, defaultMetricsPort: intake.metricsPort,
                                   config: try await ConfigurationSources.reader(configFile: file.path))
    }

    @Test func everyLimitFromTheFileReachesTheServerAndItsTLS() async throws {
        let settings = try await Self.settings("""
            {"rpc": {"helloTimeoutMilliseconds": 250, "idleTimeoutSeconds": 7, "maxConnections": 3,
                     "closeTimeoutMilliseconds": 150, "maxConcurrentRequests": 5},
             "tls": {"closeTimeoutMilliseconds": 120, "sessionLifetimeSeconds": 60, "sessionTicketKeyRotationSeconds": 90}}
            """)
        let server = TownshipServiceRunner.serverConfiguration(settings, logger: .init(label: "test"))
        #expect(server.helloTimeout == .milliseconds(250))
        #expect(server.idleTimeout == .seconds(7))
        #expect(server.maxConnections == 3)
        #expect(server.closeTimeout == .milliseconds(150))
        #expect(server.limits.maxConcurrentRequests == 5)
        let tls = TownshipServiceRunner.tlsConfiguration(settings)
        #expect(tls.closeTimeout == .milliseconds(120))
        #expect(tls.sessionLifetime == .seconds(60))
        #expect(tls.sessionTicketKeyRotation == .seconds(90))
    }

    /// Without the keys the server keeps the spec's defaults; idle 0 keeps idle connections.
    @Test func defaultsAreTheSpecsAndZeroIdleKeepsConnections() async throws {
        let server = TownshipServiceRunner.serverConfiguration(try await Self.settings("{}"), logger: .init(label: "test"))
        let plain = RPCServerConfiguration()
        #expect(server.helloTimeout == plain.helloTimeout && server.idleTimeout == plain.idleTimeout)
        #expect(server.maxConnections == plain.maxConnections && server.closeTimeout == plain.closeTimeout)
        #expect(server.limits.maxConcurrentRequests == plain.limits.maxConcurrentRequests)
        let tls = TownshipServiceRunner.tlsConfiguration(try await Self.settings("{}"))
        #expect(tls.sessionLifetime == TLSConfiguration.defaultSessionLifetime && tls.closeTimeout == TLSConfiguration.defaultCloseTimeout)
        let keepIdle = TownshipServiceRunner.serverConfiguration(try await Self.settings(#"{"rpc": {"idleTimeoutSeconds": 0}}"#), logger: .init(label: "test"))
        #expect(keepIdle.idleTimeout == nil)
    }

    /// The shared check types the keys: a string where a number belongs is named.
    @Test func aMistypedLimitIsNamedByTheCheck() async throws {
        let error = await #expect(throws: ServiceConfigurationCheck.Failed.self) {
            _ = try await Self.settings(#"{"rpc": {"maxConnections": "many"}}"#)
        }
        #expect(error?.problems.contains { $0.contains("rpc.maxConnections") } == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        #"{"rpc": {"maxConnections": 0}}"#,
        #"{"rpc": {"maxConcurrentRequests": 70000}}"#,
        #"{"rpc": {"helloTimeoutMilliseconds": 0}}"#,
        #"{"tls": {"sessionLifetimeSeconds": 600, "sessionTicketKeyRotationSeconds": 60}}"#,
    ])
    func aLimitOutOfRangeIsRefusedWithItsKey(_ json: String) async throws {
        await #expect(throws: ServiceSettings.Invalid.self) { _ = try await Self.settings(json) }
    }
}
