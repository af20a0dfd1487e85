import Foundation
@testable import GatewayCore
import Testing
import TownshipRPC
import TownshipServiceRuntime

extension GatewaySuites {
    /// The gateway's settings from a configuration file, with clear errors for bad values.
    @Suite struct SettingsTests {
        static func settings(_ json: String) async throws -> GatewaySettings {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).json")
            try Data(json.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            return try GatewaySettings(config: try await ConfigurationSources.reader(configFile: file.path))
        }

        @Test func aFileConfiguresEndpointsDeadlinesAndSessions() async throws {
            let settings = try await Self.settings("""
                {"http": {"port": 9090}, "backends": {"intake": {"endpoints": ["127.0.0.1:7101", "127.0.0.1:7102"]}},
                 "session": {"ttlSeconds": 60}, "overview": {"budgetMilliseconds": 700, "backendMilliseconds": 400}}
                """)
            #expect(settings.httpPort == 9090)
            #expect(settings.backendEndpoints["intake"] == [RPCEndpoint(host: "127.0.0.1", port: 7101), RPCEndpoint(host: "127.0.0.1", port: 7102)])
            #expect(settings.backendEndpoints["job-fair"] == nil)
            #expect(settings.sessionTTL == .seconds(60))
            #expect(settings.overviewBudget == .milliseconds(700) && settings.overviewBackendTimeout == .milliseconds(400))
        }

        @Test func theLimitsAreReadFromTheFileWithTheirDocumentedDefaults() async throws {
            let defaults = try await Self.settings("{}")
            #expect(defaults.connectionLimits == ConnectionLimits())
            #expect(defaults.connectionLimits.headerTimeout == .seconds(10) && defaults.connectionLimits.idleTimeout == .seconds(60))
            #expect(defaults.connectionLimits.maxConnections == 1000 && defaults.connectionLimits.handshakeTimeout == .seconds(10))
            #expect(defaults.loginLimits == LoginThrottle.Limits() && defaults.trustedProxies.isEmpty)
            #expect(defaults.hashingThreads == 2 && defaults.maxEventStreamsPerUser == 4)
            let settings = try await Self.settings("""
                {"http": {"headerTimeoutMilliseconds": 2000, "bodyTimeoutMilliseconds": 5000, "idleTimeoutMilliseconds": 30000, "maxConnections": 50},
                 "https": {"handshakeTimeoutMilliseconds": 3000},
                 "login": {"maxFailures": 3, "delaySeconds": 2, "maxDelaySeconds": 20, "maxFailuresPerAddress": 9, "lockoutSeconds": 60,
                           "trustedProxies": ["10.0.0.1", "::1"]},
                 "users": {"hashingThreads": 4, "maxPendingHashes": 8}, "events": {"maxStreamsPerUser": 2}}
                """)
            #expect(settings.connectionLimits.headerTimeout == .seconds(2) && settings.connectionLimits.idleTimeout == .seconds(30))
            #expect(settings.connectionLimits.bodyTimeout == .seconds(5) && defaults.connectionLimits.bodyTimeout == .seconds(60))
            #expect(settings.connectionLimits.maxConnections == 50 && settings.connectionLimits.handshakeTimeout == .seconds(3))
            #expect(settings.loginLimits.maxFailures == 3 && settings.loginLimits.firstDelay == .seconds(2) && settings.loginLimits.maxDelay == .seconds(20))
            #expect(settings.loginLimits.maxFailuresPerAddress == 9 && settings.loginLimits.lockout == .seconds(60))
            #expect(settings.trustedProxies == ["10.0.0.1", "::1"])
            #expect(settings.hashingThreads == 4 && settings.maxPendingHashes == 8 && settings.maxEventStreamsPerUser == 2)
            #expect(defaults.maxPendingHashes == 64)
        }

        /// Operators set the backend clients' limits; the connector builds every backend's
        /// client with them (and with the catalogue's identity).
        @Test func backendClientLimitsReachEveryBackendClient() async throws {
            let settings = try await Self.settings(#"{"backends": {"maxQueuedCalls": 7, "closeTimeoutMilliseconds": 250, "intake": {"endpoints": ["127.0.0.1:7101"]}}}"#)
            #expect(settings.backendClientLimits.maxQueuedCalls == 7 && settings.backendClientLimits.closeTimeoutMilliseconds == 250)
            let connector = BackendConnector(certificatePath: "c", privateKeyPath: "k", caPath: "ca", limits: settings.backendClientLimits, logger: .init(label: "test"))
            let configuration = connector.configuration(for: "intake", endpoints: settings.backendEndpoints["intake"]!, logger: .init(label: "test"))
            #expect(configuration.maxQueuedCalls == 7 && configuration.closeTimeout == .milliseconds(250))
            #expect(configuration.serverIdentity == "spiffe://township.local/service/intake")
            let defaults = try await Self.settings("{}")
            #expect(defaults.backendClientLimits == ClientLimitSettings())
            await #expect(throws: GatewaySettings.Invalid.self) { try await Self.settings(#"{"backends": {"closeTimeoutMilliseconds": 0}}"#) }
        }

        @Test(arguments: [
            #"{"http": {"idleTimeoutMilliseconds": 0}}"#,
            #"{"http": {"maxConnections": 0}}"#,
            #"{"login": {"trustedProxies": ["proxy.local"]}}"#,
            #"{"login": {"delaySeconds": 90, "maxDelaySeconds": 60}}"#,
            #"{"users": {"hashingThreads": 0}}"#,
            #"{"events": {"maxStreamsPerUser": 0}}"#,
            #"{"backends": {"intake": {"endpoints": ["nowhere"]}}}"#,
            #"{"http": {"port": 70000}}"#,
            #"{"overview": {"budgetMilliseconds": 100, "backendMilliseconds": 500}}"#,
            #"{"users": {"bcryptCost": 4}}"#,
            #"{"session": {"ttlSeconds": 0}}"#,
        ])
        func badValuesAreRefusedWithAReason(_ json: String) async throws {
            await #expect(throws: GatewaySettings.Invalid.self) { try await Self.settings(json) }
        }

        /// `check-config` checks the files serve will load, and only those: the client
        /// certificate once a backend is wired, the HTTPS pair when HTTPS is on.
        @Test func referencedFilesAreThoseOfTheConfiguredFeatures() async throws {
            #expect(try await Self.settings("{}").referencedFiles.isEmpty)
            let wired = try await Self.settings(#"{"backends": {"intake": {"endpoints": ["127.0.0.1:7101"]}}, "tls": {"certificate": "c.crt", "key": "c.key", "ca": "ca.crt"}}"#)
            #expect(wired.referencedFiles.map(\.key) == ["tls.certificate", "tls.key", "tls.ca"])
            #expect(wired.referencedFiles.map(\.path) == ["c.crt", "c.key", "ca.crt"])
            let https = try await Self.settings(#"{"https": {"certificate": "h.crt", "key": "h.key"}}"#)
            #expect(https.referencedFiles.map(\.key) == ["https.certificate", "https.key", "tls.ca"])
            #expect(throws: GatewaySettings.Invalid.self) { try https.checkReferencedFiles() }
        }
    }
}
