import ArgumentParser
import Foundation
import TownshipServiceRuntime

/// Validates a configuration file: JSON, known keys only (keys starting with "_" are comments),
/// values the service accepts. Exits non-zero on any error.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate an intake configuration file.")

    @Option(help: "The JSON configuration file to check.")
    var config: String

    func run() async throws {
        let problems = try Self.problems(inFile: config)
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

    /// Unknown keys and malformed structure; keys are flattened with dots ("rpc.port").
    static func problems(inFile path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return ["cannot read the file"] }
        guard data.count <= 1_000_000 else { return ["the file exceeds 1 MB"] }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch { return ["not valid JSON: \(error.localizedDescription)"] }
        guard let object = root as? [String: Any] else { return ["the top level must be a JSON object"] }
        var problems: [String] = []
        func walk(_ object: [String: Any], prefix: String) {
            for (key, value) in object.sorted(by: { $0.key < $1.key }) where !key.hasPrefix("_") {
                let full = prefix.isEmpty ? key : "\(prefix).\(key)"
                if let nested = value as? [String: Any] {
                    walk(nested, prefix: full)
                } else if !ServiceSettings.knownKeys.contains(full) {
                    problems.append("unknown key '\(full)' (known: \(ServiceSettings.knownKeys.sorted().joined(separator: ", ")))")
                }
            }
        }
        walk(object, prefix: "")
        return problems
    }
}
