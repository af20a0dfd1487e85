import Foundation
import GatewayCore
import Logging
import ServiceLifecycle
import TownshipServiceRuntime

// The gateway executable: `gateway [--config FILE]`. Settings: see GatewaySettings.
let arguments = CommandLine.arguments
var configFile: String?
if let index = arguments.firstIndex(of: "--config") {
    guard index + 1 < arguments.count else {
        FileHandle.standardError.write(Data("--config needs a file\n".utf8))
        exit(64)
    }
    configFile = arguments[index + 1]
}

do {
    let config = try await ConfigurationSources.reader(configFile: configFile)
    let settings = try GatewaySettings(config: config)
    guard let level = Logger.Level(rawValue: settings.logLevel) else {
        throw GatewaySettings.Invalid(description: "log.level '\(settings.logLevel)' is not a log level")
    }
    let registry = TownshipServiceRunner.bootstrap(logLevel: level)
    let logger = Logger(label: "township.gateway")
    let store = try UserStore(path: settings.usersDatabasePath, bcryptCost: UInt8(settings.bcryptCost))
    if settings.seedDemoUsers {
        let created = try await store.seedDemoUsersIfEmpty()
        if !created.isEmpty {
            var text = "Demo users created (password \"\(DemoUsers.password)\"; change it before real use):\n"
            for user in created {
                text += "  \(user.login.padding(toLength: 10, withPad: " ", startingAt: 0)) \(user.role.rawValue)  \(user.displayName)\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
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
} catch {
    FileHandle.standardError.write(Data("gateway: \(error)\n".utf8))
    exit(1)
}
