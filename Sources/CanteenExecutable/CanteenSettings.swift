import CanteenCore
import CanteenService
import Configuration
import Foundation
import TownshipCertificates
import TownshipServiceKit
import TownshipServiceRuntime

/// canteen-meals' own settings, with their defaults (documented in deploy/canteen-meals.example.md).
struct CanteenSettings: Sendable {
    static let keys: [String: ConfigurationValueKind] = [
        "canteen.idLookupKeyFile": .string, "canteen.timeZone": .string, "canteen.reservationCutoffMinutes": .integer,
        "canteen.maxFamilyMembers": .integer, "canteen.reach.minutes": .integer, "canteen.reach.walkingMetresPerHour": .integer,
        "canteen.reach.detourFactorPercent": .integer,
        "canteen.subsidy.tier60to69Fen": .integer, "canteen.subsidy.tier70to79Fen": .integer, "canteen.subsidy.tier80plusFen": .integer,
        "canteen.subsidy.lowIncomeFen": .integer, "canteen.subsidy.livingAloneFen": .integer, "canteen.subsidy.disabledFen": .integer,
        "canteen.subsidy.maximumPerMealFen": .integer,
        "canteen.checkInQueueLimit": .integer, "canteen.siting.maxCandidates": .integer, "canteen.siting.maxK": .integer, "canteen.siting.maxCoverageEntries": .integer,
    ]

    /// The HMAC key of the ID-number digests, apart from the database: beside the
    /// configuration file by default (beside the state directory without one).
    var idLookupKeyFile: String
    var configuration = CanteenConfiguration()

    init(config: ConfigReader, files: ServiceFiles) throws {
        idLookupKeyFile = config.string(forKey: "canteen.idLookupKeyFile",
                                        default: files.besideConfiguration.appendingPathComponent("canteen-meals-id.key").path)
        func int(_ key: String, _ defaultValue: Int, _ range: ClosedRange<Int>) throws -> Int {
            let value = config.int(forKey: ConfigKey(key), default: defaultValue)
            guard range.contains(value) else {
                throw ServiceSettings.Invalid(description: "\(key) must be within \(range.lowerBound)...\(range.upperBound), not \(value)")
            }
            return value
        }
        let zone = config.string(forKey: "canteen.timeZone", default: "Asia/Shanghai")
        guard let timeZone = TimeZone(identifier: zone) else {
            throw ServiceSettings.Invalid(description: "canteen.timeZone: '\(zone)' is not a time zone (e.g. Asia/Shanghai)")
        }
        configuration.timeZone = timeZone
        configuration.reservationCutoffMinutes = try int("canteen.reservationCutoffMinutes", 120, 0...2880)
        configuration.maximumFamilyMembers = try int("canteen.maxFamilyMembers", 10, 1...100)
        configuration.checkInQueueLimit = try int("canteen.checkInQueueLimit", configuration.checkInQueueLimit, 1...1_000_000)
        let standard = WalkingReach.standard
        configuration.reach = WalkingReach(
            minutes: Double(try int("canteen.reach.minutes", Int(standard.minutes), 1...120)),
            speedKilometresPerHour: Double(try int("canteen.reach.walkingMetresPerHour", Int(standard.speedKilometresPerHour * 1000), 500...20_000)) / 1000,
            detourFactor: Double(try int("canteen.reach.detourFactorPercent", Int((standard.detourFactor * 100).rounded()), 100...500)) / 100)
        let table = SubsidyTable.standard
        do {
            configuration.subsidyTable = try SubsidyTable(
                perTier: [.age60to69: try int("canteen.subsidy.tier60to69Fen", table.perTier[.age60to69]!, 0...100_000),
                          .age70to79: try int("canteen.subsidy.tier70to79Fen", table.perTier[.age70to79]!, 0...100_000),
                          .age80plus: try int("canteen.subsidy.tier80plusFen", table.perTier[.age80plus]!, 0...100_000)],
                perFlag: [.lowIncome: try int("canteen.subsidy.lowIncomeFen", table.perFlag[.lowIncome]!, 0...100_000),
                          .livingAlone: try int("canteen.subsidy.livingAloneFen", table.perFlag[.livingAlone]!, 0...100_000),
                          .disabled: try int("canteen.subsidy.disabledFen", table.perFlag[.disabled]!, 0...100_000)],
                maximumPerMeal: try int("canteen.subsidy.maximumPerMealFen", table.maximumPerMeal, 0...100_000))
        } catch let error as EligibilityError {
            throw ServiceSettings.Invalid(description: "canteen.subsidy: \(error)")
        }
        configuration.maximumSitingCandidates = try int("canteen.siting.maxCandidates", configuration.maximumSitingCandidates, 1...100_000)
        configuration.maximumK = try int("canteen.siting.maxK", configuration.maximumK, 1...10_000)
        configuration.maximumSitingCoverageEntries = try int("canteen.siting.maxCoverageEntries", configuration.maximumSitingCoverageEntries,
                                                             1_000...100_000_000)
        // Checked before anything is created: private if it exists, creatable if not.
        if let problem = SecretKeyFile.problem(path: idLookupKeyFile, setting: "canteen.idLookupKeyFile", guide: "deploy/canteen-meals.example.md") {
            throw ServiceConfigurationCheck.Failed(problems: [problem])
        }
    }
}
