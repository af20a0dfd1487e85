import ArgumentParser
import Foundation
import IntakePostgresStore
import TownshipServiceKit

/// `intake check-config`: the kit's check, then, with `database.url`, a connection to
/// PostgreSQL (refused, authentication failed, TLS: said as such) and its schema version.
/// The password is never printed; the URL holds none.
struct IntakeCheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate an intake configuration file and reach its database.")

    @Option(help: "The JSON configuration file to check.")
    var config: String

    func run() async throws {
        let environment: ServiceEnvironment<IntakeDefinition>
        do {
            environment = try await ServiceEnvironment<IntakeDefinition>.load(configFile: config)
        } catch {
            fail("\(error)")
        }
        let settings = environment.settings
        var line = "\(config): OK (rpc \(settings.rpcHost):\(settings.rpcPort), state \(settings.stateDirectory)"
        if let url = environment.own.databaseURL {
            do {
                let (applied, latest) = try await PostgresTicketStore.probe(url: url, password: try environment.own.databasePassword())
                let state = applied == latest ? "up to date" : applied == 0 ? "empty: serve migrates it" : "serve migrates it to \(latest)"
                line += ", database \(url) schema version \(applied) (\(state))"
            } catch {
                fail("database \(url): \(error)")
            }
        } else {
            line += ", database SQLite in the state directory"
        }
        print(line + ")")
    }

    private func fail(_ text: String) -> Never {
        for line in text.split(separator: "\n") {
            let shown = line.hasPrefix("\(config): ") ? String(line) : "\(config): \(line)"
            FileHandle.standardError.write(Data("\(shown)\n".utf8))
        }
        Foundation.exit(1)
    }
}
