import ArgumentParser
import Foundation
import GatewayCore
import TownshipServiceRuntime

/// Validates a configuration file as `serve` would read it: JSON with known keys only (keys
/// starting with "_" are comments), each of the right kind, values the gateway accepts, and
/// the certificate files it would load. Exits non-zero naming the key at fault.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a gateway configuration file.")

    @Option(help: "The JSON configuration file to check.")
    var config: String

    func run() async throws {
        let problems = ConfigurationFileCheck.problems(inFile: config, knownKeys: GatewaySettings.knownKeys)
        guard problems.isEmpty else { return try fail(problems) }
        let settings: GatewaySettings
        do {
            settings = try await GatewayEnvironment.settings(configFile: config).settings
            try settings.checkReferencedFiles()
        } catch {
            return try fail(["\(error)"])
        }
        print("\(config): OK (\(Self.summary(of: settings)))")
        for name in settings.backendEndpoints.keys.sorted() where BackendCatalog.factories[name] == nil {
            print("\(config): note: backends.\(name).endpoints is set, but this gateway does not talk to \(name) yet; serve ignores it")
        }
    }

    private func fail(_ problems: [String]) throws {
        for problem in problems {
            FileHandle.standardError.write(Data("\(config): \(problem)\n".utf8))
        }
        throw ExitCode.failure
    }

    static func summary(of settings: GatewaySettings) -> String {
        let scheme = settings.httpsCertificatePath == nil ? "http" : "https"
        let backends = settings.backendEndpoints.keys.sorted().map { name in
            "\(name) \(settings.backendEndpoints[name, default: []].map { "\($0)" }.joined(separator: ","))"
        }
        let metrics = settings.metricsPort == 0 ? "off" : "\(settings.metricsHost):\(settings.metricsPort)"
        return "\(scheme) \(settings.httpHost):\(settings.httpPort), backends: \(backends.isEmpty ? "none" : backends.joined(separator: "; ")), "
            + "users \(settings.usersDatabasePath), metrics \(metrics)"
    }
}
