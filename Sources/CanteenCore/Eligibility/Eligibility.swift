/// The end of an elder's eligibility: from `from` on (that day included) no meal is
/// subsidised; meals before it still are.
public struct EligibilityEnd: Hashable, Sendable, Codable {
    public enum Reason: String, Sendable, Codable {
        case death
        case movedAway = "moved_away"
    }
    public let reason: Reason
    public let from: CivilDate

    public init(reason: Reason, from: CivilDate) {
        self.reason = reason
        self.from = from
    }
}

/// What decides an elder's subsidy on a day: birth date, flags, and an end if any.
public struct Eligibility: Hashable, Sendable, Codable {
    public let birthDate: CivilDate
    public var flags: Set<SubsidyFlag>
    public var end: EligibilityEnd?

    public init(birthDate: CivilDate, flags: Set<SubsidyFlag> = [], end: EligibilityEnd? = nil) {
        self.birthDate = birthDate
        self.flags = flags
        self.end = end
    }

    /// The tier on `day`, or why there is none: under 60, or eligibility ended on or before it.
    public func tier(on day: CivilDate) throws(EligibilityError) -> AgeTier {
        if let end, day >= end.from { throw .ended(reason: end.reason, from: end.from) }
        return try AgeTier.of(birthDate: birthDate, on: day)
    }
}
