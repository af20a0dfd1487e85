import ArgumentParser
import Foundation

/// `<service> check-config`: the same typed check `serve` runs before it starts (JSON, known
/// keys only — keys starting with "_" are comments — each of the right kind, values the service
/// accepts, the certificate files readable, the state directory writable). Exits non-zero
/// naming every problem, one line each.
public struct CheckConfigCommand<Definition: TownshipServiceDefinition>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "check-config", abstract: "Validate a \(Definition.catalogueEntry.name) configuration file.")
    }

    @Option(help: "The JSON configuration file to check.")
    var config: String

    public init() {}

    public func run() async throws {
        do {
            let settings = try await ServiceEnvironment<Definition>.load(configFile: config).settings
            print("\(config): OK (rpc \(settings.rpcHost):\(settings.rpcPort), state \(settings.stateDirectory))")
        } catch {
            for line in "\(error)".split(separator: "\n") {
                let text = line.hasPrefix("\(config): ") ? String(line) : "\(config): \(line)"
                FileHandle.standardError.write(Data("\(text)\n".utf8))
            }
            throw ExitCode(1)
        }
    }
}
