import Configuration
import Foundation
import IntakeCore
import Logging
import TownshipServiceRuntime

/// What `serve` and `seed` share: settings and the store in `state.directory`.
enum IntakeEnvironment {
    static let serviceName = "intake"
    static let defaultPort = 7101
    static let defaultMetricsPort = 9101

    static func settings(configFile: String?) async throws -> ServiceSettings {
        let reader = try await ConfigurationSources.reader(configFile: configFile)
        return try ServiceSettings(serviceName: serviceName, defaultPort: defaultPort, defaultMetricsPort: defaultMetricsPort, config: reader)
    }

    static func databasePath(_ settings: ServiceSettings) throws -> String {
        try FileManager.default.createDirectory(atPath: settings.stateDirectory, withIntermediateDirectories: true)
        return settings.stateDirectory + "/intake.sqlite"
    }

    static func attachmentsDirectory(_ settings: ServiceSettings) -> URL {
        URL(fileURLWithPath: settings.stateDirectory).appendingPathComponent("attachments", isDirectory: true)
    }

    /// WAL with synchronous FULL (see `SQLiteTicketStore`): a reply only after a durable commit.
    static func openStore(_ settings: ServiceSettings, logger: Logger) throws -> SQLiteTicketStore {
        try SQLiteTicketStore(path: try databasePath(settings), logger: logger)
    }
}
