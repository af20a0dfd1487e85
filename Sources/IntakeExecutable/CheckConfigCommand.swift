import ArgumentParser
import Foundation
import TownshipServiceRuntime

/// Validates a configuration file with the same typed check `serve` runs before it starts:
/// JSON, known keys only (keys starting with "_" are comments), each of the right kind, values
/// the service accepts, the certificate files readable, the state directory writable.
/// Exits non-zero naming every problem.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate an intake configuration file.")

    @Option(help: "The JSON configuration file to check.")
    var config: String

    func run() async throws {
        do {
            let (settings, _) = try await IntakeEnvironment.settings(configFile: config)
            print("\(config): OK (rpc \(settings.rpcHost):\(settings.rpcPort), state \(settings.stateDirectory))")
        } catch {
            // One line per problem, each naming the file once.
            for line in "\(error)".split(separator: "\n") {
                let text = line.hasPrefix("\(config): ") ? String(line) : "\(config): \(line)"
                FileHandle.standardError.write(Data("\(text)\n".utf8))
            }
            throw ExitCode(1)
        }
    }
}
