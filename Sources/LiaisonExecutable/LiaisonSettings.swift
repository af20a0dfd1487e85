import Configuration
import LiaisonCore
import LiaisonService
import TownshipServiceKit
import TownshipServiceRuntime

/// enterprise-liaison's own settings, with their defaults (documented in
/// deploy/enterprise-liaison.example.md).
struct LiaisonSettings: Sendable {
    static let keys: [String: ConfigurationValueKind] = [
        "liaison.solutionDays": .integer, "liaison.reminderHoursBefore": .integer,
        "liaison.claimWindowDays": .integer, "liaison.progressIntervalDays": .integer,
        "liaison.deadlinePassSeconds": .integer, "liaison.maxPageSize": .integer,
        "liaison.idempotencyKeyHours": .integer,
    ]

    var policy = DeadlinePolicy.standard
    /// How often the deadline pass runs.
    var deadlinePassSeconds = 60
    var limits = LiaisonLimits()
    /// How long a completed call's idempotency key is remembered (spec §6 promises 24 hours).
    var idempotencyKeyHours = 24

    init(config: ConfigReader) throws {
        policy.solutionDays = config.int(forKey: "liaison.solutionDays", default: policy.solutionDays)
        policy.reminderHoursBefore = config.int(forKey: "liaison.reminderHoursBefore", default: policy.reminderHoursBefore)
        policy.claimWindowDays = config.int(forKey: "liaison.claimWindowDays", default: policy.claimWindowDays)
        policy.progressIntervalDays = config.int(forKey: "liaison.progressIntervalDays", default: policy.progressIntervalDays)
        if let problem = policy.problem { throw ServiceSettings.Invalid(description: "liaison.\(problem)") }
        deadlinePassSeconds = config.int(forKey: "liaison.deadlinePassSeconds", default: deadlinePassSeconds)
        guard (1...3600).contains(deadlinePassSeconds) else {
            throw ServiceSettings.Invalid(description: "liaison.deadlinePassSeconds must be within 1...3600, not \(deadlinePassSeconds)")
        }
        limits.maxPageSize = config.int(forKey: "liaison.maxPageSize", default: limits.maxPageSize)
        guard (1...10_000).contains(limits.maxPageSize) else {
            throw ServiceSettings.Invalid(description: "liaison.maxPageSize must be within 1...10000, not \(limits.maxPageSize)")
        }
        idempotencyKeyHours = config.int(forKey: "liaison.idempotencyKeyHours", default: idempotencyKeyHours)
        guard (24...24 * 365).contains(idempotencyKeyHours) else {
            throw ServiceSettings.Invalid(description: "liaison.idempotencyKeyHours must be within 24...8760 (proto-spec §6 promises 24 hours), not \(idempotencyKeyHours)")
        }
    }
}
