import GatewayCore
import Logging
import TownshipServiceRuntime

/// What `serve` and `check-config` share, so a file that checks is a file that serves.
enum GatewayEnvironment {
    /// `TOWNSHIP_*` environment variables over the JSON file (if any), read into settings.
    static func settings(configFile: String?) async throws -> (settings: GatewaySettings, logLevel: Logger.Level) {
        let config = try await ConfigurationSources.reader(configFile: configFile)
        let settings = try GatewaySettings(config: config)
        guard let level = Logger.Level(rawValue: settings.logLevel) else {
            throw GatewaySettings.Invalid(description: "log.level '\(settings.logLevel)' is not a log level")
        }
        return (settings, level)
    }
}
