import ArgumentParser
import Foundation
import Logging
import TownshipServiceRuntime

/// `<service> serve`: the checked settings, then `TownshipServiceRunner` with the service's
/// handlers until SIGTERM or SIGINT.
public struct ServeCommand<Definition: TownshipServiceDefinition>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "serve", abstract: "Serve TWP/1 on mutual TLS until SIGTERM.")
    }

    @Option(help: "JSON configuration file (keys of `check-config`); TOWNSHIP_* variables override it.")
    var config: String?

    public init() {}

    public func run() async throws {
        do {
            try await serve()
        } catch {
            // One line an operator reads in the journal, naming the file, key, path or port at fault.
            for line in "\(error)".split(separator: "\n") {
                FileHandle.standardError.write(Data("\(Definition.catalogueEntry.name): \(line)\n".utf8))
            }
            throw ExitCode.failure
        }
    }

    private func serve() async throws {
        let environment = try await ServiceEnvironment<Definition>.load(configFile: config)
        let registry = TownshipServiceRunner.bootstrap(logLevel: environment.settings.logLevel)
        let logger = Logger(label: Definition.catalogueEntry.name)
        let served = try await Definition.makeServer(environment, logger: logger)
        try await TownshipServiceRunner.run(settings: environment.settings, router: served.router, registry: registry,
                                            domainServices: served.domainServices, logger: logger)
    }
}
