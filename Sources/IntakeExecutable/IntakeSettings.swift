import Configuration
import Foundation
import TownshipCertificates
import IntakeCore
import TownshipServiceKit
import TownshipServiceRuntime

/// Intake's own settings, with their defaults (documented in deploy/intake.example.md).
struct IntakeSettings: Sendable {
    static let keys: [String: ConfigurationValueKind] = [
        "intake.groupCommitQueueLimit": .integer, "intake.idempotencyKeyHours": .integer,
        "ledger.checkpointKeyFile": .string, "ledger.checkpointSeconds": .integer,
    ]

    var groupCommitQueueLimit = IntakeConfiguration().groupCommitQueueLimit
    var idempotencyKeyHours = 24
    /// The HMAC key of the ledger's checkpoints, apart from the database: beside the
    /// configuration file by default (beside the state directory without one).
    var checkpointKeyFile: String
    var checkpointSeconds = 300

    init(config: ConfigReader, files: ServiceFiles) throws {
        checkpointKeyFile = config.string(forKey: "ledger.checkpointKeyFile",
                                          default: files.besideConfiguration.appendingPathComponent("intake-ledger.key").path)
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
        // Checked before anything is created: private if it exists, creatable if not.
        if let problem = SecretKeyFile.problem(path: checkpointKeyFile, setting: "ledger.checkpointKeyFile", guide: "deploy/intake.example.md") {
            throw ServiceConfigurationCheck.Failed(problems: [problem])
        }
    }

    var configuration: IntakeConfiguration {
        var configuration = IntakeConfiguration()
        configuration.groupCommitQueueLimit = groupCommitQueueLimit
        configuration.idempotencyRetention = Double(idempotencyKeyHours) * 3600
        return configuration
    }
}
