import Foundation
import TownshipCatalogue
import TownshipServiceRuntime

/// Where a service's files are: the configuration file (if any) and the state directory.
public struct ServiceFiles: Sendable {
    public var configFile: String?
    public var stateDirectory: String

    /// The directory beside the configuration file (beside the state directory without one):
    /// where secrets kept apart from the database go by default.
    public var besideConfiguration: URL {
        configFile.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? URL(fileURLWithPath: stateDirectory).deletingLastPathComponent()
    }
}

/// The checked settings every command of a service starts from.
public struct ServiceEnvironment<Definition: TownshipServiceDefinition>: Sendable {
    public let settings: ServiceSettings
    public let own: Definition.OwnSettings
    public let files: ServiceFiles

    public var entry: CatalogueService { Definition.catalogueEntry }

    /// Every key the service accepts: the shared ones and its own.
    public static var knownKeys: [String: ConfigurationValueKind] {
        ServiceSettings.knownKeys.merging(Definition.ownKeys) { shared, _ in shared }
    }

    /// The one typed check of `serve`, `seed` and `check-config`: a file that checks is a file that serves.
    public static func load(configFile: String?) async throws -> ServiceEnvironment {
        let (settings, reader) = try await ServiceSettings.checked(
            service: Definition.catalogueEntry, configFile: configFile, knownKeys: knownKeys)
        let files = ServiceFiles(configFile: configFile, stateDirectory: settings.stateDirectory)
        let own = try Definition.ownSettings(config: reader, files: files)
        return ServiceEnvironment(settings: settings, own: own, files: files)
    }

    public init(settings: ServiceSettings, own: Definition.OwnSettings, files: ServiceFiles) {
        self.settings = settings
        self.own = own
        self.files = files
    }

    /// The state directory, created if missing, with an error naming it when it cannot be.
    public func stateDirectory() throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: settings.stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw StoreUnavailable(path: settings.stateDirectory, reason: "the directory cannot be created: \(error.localizedDescription)")
        }
        return settings.stateDirectory
    }

    /// The service's SQLite file in the state directory (the catalogue names it).
    public func databasePath() throws -> String {
        try stateDirectory() + "/" + entry.databaseFile
    }

    /// A store error naming the file, and the directory when it is not writable.
    public func storeUnavailable(path: String, reason: String) -> StoreUnavailable {
        var reason = reason
        if !FileManager.default.isWritableFile(atPath: settings.stateDirectory) {
            reason += " ('\(settings.stateDirectory)' is not writable by this user)"
        }
        return StoreUnavailable(path: path, reason: reason)
    }
}

/// The database could not be opened; says which file and why (SQLite's own errors do not name it).
public struct StoreUnavailable: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot open the database \(path) (state.directory): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
