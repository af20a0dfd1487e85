import Configuration
import Foundation
import IntakeCore
import Logging
import TownshipCatalogue
import TownshipServiceRuntime

/// What `serve`, `seed` and `check-config` share: the checked settings and the store in
/// `state.directory`. Every command runs the same typed check first (`ServiceSettings.checked`),
/// so a file that checks is a file that serves.
enum IntakeEnvironment {
    /// Name, default ports and database file (ServiceCatalogue).
    static let service = ServiceCatalogue.service(named: "intake")!

    /// The keys every service knows, plus intake's own (documented in deploy/intake.example.md).
    static let knownKeys: [String: ConfigurationValueKind] = ServiceSettings.knownKeys.merging([
        "intake.groupCommitQueueLimit": .integer, "intake.idempotencyKeyHours": .integer,
        "ledger.checkpointKeyFile": .string, "ledger.checkpointSeconds": .integer,
    ]) { shared, _ in shared }

    /// Intake's own settings, with their defaults.
    struct IntakeSettings {
        var groupCommitQueueLimit = IntakeConfiguration().groupCommitQueueLimit
        var idempotencyKeyHours = 24
        /// The HMAC key of the ledger's checkpoints, apart from the database: beside the
        /// configuration file by default (beside the state directory without one).
        var checkpointKeyFile: String
        var checkpointSeconds = 300

        init(config: ConfigReader, configFile: String?, stateDirectory: String) throws {
            let besides = configFile.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
                ?? URL(fileURLWithPath: stateDirectory).deletingLastPathComponent()
            checkpointKeyFile = config.string(forKey: "ledger.checkpointKeyFile",
                                              default: besides.appendingPathComponent("intake-ledger.key").path)
            checkpointSeconds = config.int(forKey: "ledger.checkpointSeconds", default: checkpointSeconds)
            guard (1...86_400).contains(checkpointSeconds) else {
                throw ServiceSettings.Invalid(description: "ledger.checkpointSeconds must be within 1...86400, not \(checkpointSeconds)")
            }
            groupCommitQueueLimit = config.int(forKey: "intake.groupCommitQueueLimit", default: groupCommitQueueLimit)
            idempotencyKeyHours = config.int(forKey: "intake.idempotencyKeyHours", default: idempotencyKeyHours)
            guard (1...1_000_000).contains(groupCommitQueueLimit) else {
                throw ServiceSettings.Invalid(description: "intake.groupCommitQueueLimit must be within 1...1000000, not \(groupCommitQueueLimit)")
            }
            guard (24...24 * 365).contains(idempotencyKeyHours) else {
                throw ServiceSettings.Invalid(description: "intake.idempotencyKeyHours must be within 24...8760 (proto-spec §6 promises 24 hours), not \(idempotencyKeyHours)")
            }
        }

        var configuration: IntakeConfiguration {
            var configuration = IntakeConfiguration()
            configuration.groupCommitQueueLimit = groupCommitQueueLimit
            configuration.idempotencyRetention = Double(idempotencyKeyHours) * 3600
            return configuration
        }
    }

    static func settings(configFile: String?) async throws -> (service: ServiceSettings, intake: IntakeSettings) {
        let (settings, reader) = try await ServiceSettings.checked(service: service, configFile: configFile, knownKeys: knownKeys)
        let intake = try IntakeSettings(config: reader, configFile: configFile, stateDirectory: settings.stateDirectory)
        try checkKeyFile(intake.checkpointKeyFile)
        return (settings, intake)
    }

    /// The checkpoint key must be private if it exists, and creatable if not.
    static func checkKeyFile(_ path: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let mode = (try? fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
            guard mode & 0o077 == 0, fm.isReadableFile(atPath: path) else {
                throw ServiceConfigurationCheck.Failed(problems: [
                    "ledger.checkpointKeyFile: '\(path)' must be readable by this user alone (mode \(String(mode, radix: 8)); chmod 600 it)"])
            }
        } else {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard fm.isWritableFile(atPath: parent) else {
                throw ServiceConfigurationCheck.Failed(problems: [
                    "ledger.checkpointKeyFile: '\(path)' does not exist and '\(parent)' is not writable: create the key (deploy/intake.example.md)"])
            }
        }
    }

    struct StoreUnavailable: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot open the database \(path) (state.directory): \(reason)" }
    }

    static func databasePath(_ settings: ServiceSettings) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: settings.stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw StoreUnavailable(path: settings.stateDirectory, reason: "the directory cannot be created: \(error.localizedDescription)")
        }
        return settings.stateDirectory + "/" + service.databaseFile
    }

    static func attachmentsDirectory(_ settings: ServiceSettings) -> URL {
        URL(fileURLWithPath: settings.stateDirectory).appendingPathComponent("attachments", isDirectory: true)
    }

    /// WAL with synchronous FULL (see `SQLiteTicketStore`): a reply only after a durable commit.
    /// SQLite's own errors do not name the file; this one does.
    static func openStore(_ settings: ServiceSettings, intake: IntakeSettings, logger: Logger) throws -> SQLiteTicketStore {
        let path = try databasePath(settings)
        do {
            let key = try LedgerCheckpointKey.loadOrCreate(path: intake.checkpointKeyFile)
            return try SQLiteTicketStore(path: path, configuration: intake.configuration, logger: logger, checkpointKey: key)
        } catch let error as SQLiteTicketStore.OpenFailed {
            var reason = error.reason
            if !FileManager.default.isWritableFile(atPath: settings.stateDirectory) {
                reason += " ('\(settings.stateDirectory)' is not writable by this user)"
            }
            throw StoreUnavailable(path: path, reason: reason)
        }
    }
}
