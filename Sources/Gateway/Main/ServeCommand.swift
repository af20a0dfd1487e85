import ArgumentParser
import Foundation
import GatewayCore
import Logging
import ServiceLifecycle
import TownshipServiceRuntime

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API and the cockpit until SIGTERM or SIGINT.")

    @Option(help: "JSON configuration file (keys of `gateway check-config`); TOWNSHIP_* variables override it.")
    var config: String?

    func run() async throws {
        do {
            try await serve()
        } catch {
            // One line an operator reads in the journal, as before the command line had subcommands.
            FileHandle.standardError.write(Data("gateway: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func serve() async throws {
        try ServiceConfigurationCheck.checkFile(config, knownKeys: GatewaySettings.knownKeys)
        let (settings, level) = try await GatewayEnvironment.settings(configFile: config)
        let registry = TownshipServiceRunner.bootstrap(logLevel: level)
        let logger = Logger(label: "township.gateway")
        let store = try UserStore(path: settings.usersDatabasePath, bcryptCost: UInt8(settings.bcryptCost), hashingThreads: settings.hashingThreads,
            maxPendingHashes: settings.maxPendingHashes)
        if settings.seedDemoUsers {
            try await Self.seedDemoUsers(into: store)
        }
        let gateway = try Gateway(settings: settings, store: store, logger: logger)
        if gateway.backends.isEmpty {
            logger.warning("no backend has endpoints configured (backends.intake.endpoints, ...): the API has only sign-in and the page")
        }
        var services: [any Service] = [gateway.application()]
        if settings.metricsPort > 0 {
            services.append(MetricsEndpoint.application(registry: registry, host: settings.metricsHost, port: settings.metricsPort, logger: logger))
        }
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("gateway listening", metadata: ["http": "\(settings.httpHost):\(settings.httpPort)", "backends": "\(gateway.backends.map(\.name))"])
        try await group.run()
        await gateway.shutdown()
    }

    /// Only into an empty database, and said on stdout: the password is a known one.
    private static func seedDemoUsers(into store: UserStore) async throws {
        let created = try await store.seedDemoUsersIfEmpty()
        guard !created.isEmpty else { return }
        var text = "Demo users created (password \"\(DemoUsers.password)\"; change it before real use):\n"
        for user in created {
            text += "  \(user.login.padding(toLength: 10, withPad: " ", startingAt: 0)) \(user.role.rawValue)  \(user.displayName)\n"
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
