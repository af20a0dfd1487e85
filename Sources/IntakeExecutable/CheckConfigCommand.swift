import ArgumentParser
import Foundation
import TownshipServiceRuntime

/// Validates a configuration file: JSON, known keys only (keys starting with "_" are comments),
/// each of the right kind, values the service accepts. Exits non-zero on any error.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate an intake configuration file.")

    @Option(help: "The JSON configuration file to check.")
    var config: String

    func run() async throws {
        let problems = ConfigurationFileCheck.problems(inFile: config, knownKeys: ServiceSettings.knownKeys)
        if problems.isEmpty {
            do {
                let settings = try await IntakeEnvironment.settings(configFile: config)
                print("\(config): OK (rpc \(settings.rpcHost):\(settings.rpcPort), state \(settings.stateDirectory))")
                return
            } catch {
                print("\(config): \(error)")
            }
        } else {
            for p in problems { print("\(config): \(p)") }
        }
        throw ExitCode(1)
    }
}
