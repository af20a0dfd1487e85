import Configuration
import Foundation
import TownshipCertificates
import IntakeCore
import IntakePostgresStore
import TownshipServiceKit
import TownshipServiceRuntime

/// Intake's own settings, with their defaults (documented in deploy/intake.example.md).
struct IntakeSettings: Sendable {
    static let keys: [String: ConfigurationValueKind] = [
        "intake.groupCommitQueueLimit": .integer, "intake.idempotencyKeyHours": .integer,
        "ledger.checkpointKeyFile": .string, "ledger.checkpointSeconds": .integer,
        "database.url": .string, "database.passwordFile": .string, "database.maxConnections": .integer,
    ]

    var groupCommitQueueLimit = IntakeConfiguration().groupCommitQueueLimit
    var idempotencyKeyHours = 24
    /// The HMAC key of the ledger's checkpoints, apart from the database: beside the
    /// configuration file by default (beside the state directory without one).
    var checkpointKeyFile: String
    var checkpointSeconds = 300
    /// PostgreSQL instead of the SQLite file in the state directory (issue #16); nil: SQLite.
    var databaseURL: PostgresDatabaseURL?
    /// Where the database password is read from: this file, else TOWNSHIP_DATABASE_PASSWORD.
    var databasePasswordFile: String?
    /// The PostgreSQL pool's size (one connection of it listens for other replicas' commits).
    var databaseMaxConnections = 20

    init(config: ConfigReader, files: ServiceFiles) throws {
        checkpointKeyFile = config.string(forKey: "ledger.checkpointKeyFile",
                                          default: files.besideConfiguration.appendingPathComponent("intake-ledger.key").path)
        checkpointSeconds = config.int(forKey: "ledger.checkpointSeconds", default: checkpointSeconds)
        guard (1...86_400).contains(checkpointSeconds) else {
            throw ServiceSettings.Invalid(description: "ledger.checkpointSeconds must be within 1...86400, not \(checkpointSeconds)")
        }
        if let text = config.string(forKey: "database.url") {
            do { databaseURL = try PostgresDatabaseURL(parsing: text) } catch {
                throw ServiceSettings.Invalid(description: "\(error)")
            }
        }
        databasePasswordFile = config.string(forKey: "database.passwordFile")
        databaseMaxConnections = config.int(forKey: "database.maxConnections", default: databaseMaxConnections)
        guard (2...1_000).contains(databaseMaxConnections) else {
            throw ServiceSettings.Invalid(description: "database.maxConnections must be within 2...1000, not \(databaseMaxConnections)")
        }
        if databaseURL != nil, let file = databasePasswordFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ServiceSettings.Invalid(description: "database.passwordFile '\(file)' cannot be read")
        }
        groupCommitQueueLimit = config.int(forKey: "intake.groupCommitQueueLimit", default: groupCommitQueueLimit)
        idempotencyKeyHours = config.int(forKey: "intake.idempotencyKeyHours", default: idempotencyKeyHours)
        guard (1...1_000_000).contains(groupCommitQueueLimit) else {
            throw ServiceSettings.Invalid(description: "intake.groupCommitQueueLimit must be within 1...1000000, not \(groupCommitQueueLimit)")
        }
        guard (24...24 * 365).contains(idempotencyKeyHours) else {
            throw ServiceSettings.Invalid(description: "intake.idempotencyKeyHours must be within 24...8760 (proto-spec §6 promises 24 hours), not \(idempotencyKeyHours)")
        }
        // Checked before anything is created: private if it exists, creatable if not.
        if let problem = SecretKeyFile.problem(path: checkpointKeyFile, setting: "ledger.checkpointKeyFile", guide: "deploy/intake.example.md") {
            throw ServiceConfigurationCheck.Failed(problems: [problem])
        }
    }

    /// The database password: the first line of `database.passwordFile`, else the
    /// TOWNSHIP_DATABASE_PASSWORD environment variable, else none. Never logged.
    func databasePassword() throws -> String? {
        if let file = databasePasswordFile {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            return String(text.split(whereSeparator: \.isNewline).first ?? "")
        }
        return ProcessInfo.processInfo.environment["TOWNSHIP_DATABASE_PASSWORD"]
    }

    var configuration: IntakeConfiguration {
        var configuration = IntakeConfiguration()
        configuration.groupCommitQueueLimit = groupCommitQueueLimit
        configuration.idempotencyRetention = Double(idempotencyKeyHours) * 3600
        return configuration
    }
}
