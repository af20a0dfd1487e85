import Configuration
import JobFairService
import TownshipServiceKit
import TownshipServiceRuntime

/// Job-fair's own settings, with their defaults (documented in deploy/job-fair.example.md).
struct JobFairSettings: Sendable {
    static let keys: [String: ConfigurationValueKind] = [
        "jobFair.maxTextLength": .integer, "jobFair.maxListEntries": .integer,
        "jobFair.maxRankingLength": .integer, "jobFair.maxHeadcount": .integer, "jobFair.maxPositionsPerEnterprise": .integer,
    ]

    var limits = JobFairLimits()

    init(config: ConfigReader) throws {
        limits.maxTextLength = try Self.int(config, "jobFair.maxTextLength", limits.maxTextLength, 1...10_000)
        limits.maxListEntries = try Self.int(config, "jobFair.maxListEntries", limits.maxListEntries, 1...1000)
        limits.maxRankingLength = try Self.int(config, "jobFair.maxRankingLength", limits.maxRankingLength, 1...1_000_000)
        limits.maxHeadcount = try Self.int(config, "jobFair.maxHeadcount", limits.maxHeadcount, 1...1_000_000)
        limits.maxPositionsPerEnterprise = try Self.int(config, "jobFair.maxPositionsPerEnterprise", limits.maxPositionsPerEnterprise, 1...100_000)
    }

    static func int(_ config: ConfigReader, _ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
        let value = config.int(forKey: ConfigKey(key), default: fallback)
        guard range.contains(value) else {
            throw ServiceSettings.Invalid(description: "\(key) must be within \(range.lowerBound)...\(range.upperBound), not \(value)")
        }
        return value
    }
}
