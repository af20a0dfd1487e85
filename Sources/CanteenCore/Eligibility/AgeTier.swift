/// The age tiers of meal assistance. The tier is a function of the day: it changes on the
/// elder's birthday without anyone updating a record.
public enum AgeTier: String, CaseIterable, Sendable, Codable, Comparable {
    case age60to69 = "60-69"
    case age70to79 = "70-79"
    case age80plus = "80+"

    public static let minimumAge = 60

    /// The tier on `day` of someone born on `birthDate`; under 60 is refused.
    public static func of(birthDate: CivilDate, on day: CivilDate) throws(EligibilityError) -> AgeTier {
        let age = birthDate.completedYears(on: day)
        switch age {
        case ..<minimumAge: throw .underAge(age: age, minimum: minimumAge)
        case 60...69: return .age60to69
        case 70...79: return .age70to79
        default: return .age80plus
        }
    }

    public static func < (a: AgeTier, b: AgeTier) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Circumstances that earn an extra subsidy on top of the tier's.
public enum SubsidyFlag: String, CaseIterable, Sendable, Codable, Hashable {
    case lowIncome = "low_income"
    case livingAlone = "living_alone"
    case disabled
}
