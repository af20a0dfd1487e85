import Configuration
import LiaisonCore
import LiaisonService
import TownshipCatalogue
import TownshipRPC
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
        "intake.endpoints": .stringList, "intake.callTimeoutMilliseconds": .integer, "intake.maxAttempts": .integer,
        "intake.referralPassSeconds": .integer, "intake.statusRefreshSeconds": .integer, "intake.batchSize": .integer,
    ]

    var policy = DeadlinePolicy.standard
    /// How often the deadline pass runs.
    var deadlinePassSeconds = 60
    var limits = LiaisonLimits()
    /// How long a completed call's idempotency key is remembered (spec §6 promises 24 hours).
    var idempotencyKeyHours = 24
    /// Where intake listens (`intake.endpoints`, "host:port"; default the catalogue's intake
    /// port on 127.0.0.1). The client certificate is this service's own (`tls.*`).
    var intakeEndpoints: [RPCEndpoint]
    /// Attempts per call to intake, the first included (`intake.maxAttempts`, 1…10, default 3).
    var intakeMaxAttempts = 3
    /// The referral pass's timing and batch (`intake.*`).
    var referral = IntakeReferralSettings()

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
        let intake = ServiceCatalogue.service(named: "intake")!
        let endpoints = config.stringArray(forKey: "intake.endpoints", default: ["127.0.0.1:\(intake.rpcPort)"])
        guard (1...16).contains(endpoints.count) else {
            throw ServiceSettings.Invalid(description: "intake.endpoints must name 1 to 16 endpoints, not \(endpoints.count)")
        }
        intakeEndpoints = try endpoints.map { text in
            guard let endpoint = RPCEndpoint(text), !endpoint.host.isEmpty else {
                throw ServiceSettings.Invalid(description: "intake.endpoints: '\(text)' is not host:port")
            }
            return endpoint
        }
        intakeMaxAttempts = try Self.int(config, "intake.maxAttempts", default: intakeMaxAttempts, in: 1...10)
        let timeout = try Self.int(config, "intake.callTimeoutMilliseconds", default: 10_000, in: 100...120_000)
        referral.callTimeout = .milliseconds(timeout)
        referral.passInterval = .seconds(try Self.int(config, "intake.referralPassSeconds", default: 30, in: 1...3600))
        referral.refreshAfterSeconds = Int64(try Self.int(config, "intake.statusRefreshSeconds", default: 300, in: 10...86_400))
        referral.batchSize = try Self.int(config, "intake.batchSize", default: referral.batchSize, in: 1...1000)
    }

    private static func int(_ config: ConfigReader, _ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        let read = config.int(forKey: ConfigKey(key), default: value)
        guard range.contains(read) else {
            throw ServiceSettings.Invalid(description: "\(key) must be within \(range.lowerBound)...\(range.upperBound), not \(read)")
        }
        return read
    }
}
