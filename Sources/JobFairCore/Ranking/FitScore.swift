/// Why a position does not rank a seeker who applied to it.
public enum NotRankedReason: Sendable, Hashable {
    case education(required: Education, actual: Education)
    case experience(requiredYears: Int, actualYears: Int)
    case certificate(missing: String)
    /// The enterprise ranked its applicants itself and left this one out.
    case leftOutByEmployer
}

/// The fit of a seeker to a position, for enterprises that do not rank their applicants.
///
/// Hard requirements come first: a seeker below the minimum education, below the minimum
/// years of experience, or without one of the required certificates is not ranked at all
/// (`hardRequirementFailure` names the first one missed, in that order).
///
/// Otherwise the score is a non-negative integer, higher is better:
///
///     score = 1000 × (required skills the seeker has)
///           +  100 × min(experience years − minimum years, 10)
///           +   50 × min(education levels above the minimum, 3)
///           +   10 × (50 − min(distance in whole km, 50))
///
/// where the distance is the Manhattan distance between the seeker's location and the work
/// location, in metres, divided by 1000 (rounded down). The largest parts: a required skill
/// (1000) equals ten surplus years; the non-skill parts together reach at most 1000 + 150 +
/// 500 = 1650. Equal scores are broken by seeker id, ascending: all integer, no
/// floating-point ties, the same ranking on every machine.
public enum FitScore {
    public static let pointsPerSkill = 1000
    public static let pointsPerSurplusYear = 100
    public static let surplusYearsCap = 10
    public static let pointsPerSurplusEducationLevel = 50
    public static let surplusEducationLevelsCap = 3
    public static let pointsPerNearKilometre = 10
    public static let distanceCapKilometres = 50

    public static func hardRequirementFailure(of seeker: Seeker, for position: Position) -> NotRankedReason? {
        let requirements = position.requirements
        if seeker.education < requirements.minimumEducation {
            return .education(required: requirements.minimumEducation, actual: seeker.education)
        }
        if seeker.experienceYears < requirements.minimumExperienceYears {
            return .experience(requiredYears: requirements.minimumExperienceYears, actualYears: seeker.experienceYears)
        }
        for certificate in requirements.certificates where !seeker.certificates.contains(certificate) {
            return .certificate(missing: certificate)
        }
        return nil
    }

    /// The score of a seeker who meets every hard requirement (see the type's documentation).
    public static func score(of seeker: Seeker, for position: Position) -> Int {
        let requirements = position.requirements
        let skills = requirements.skills.reduce(0) { $0 + (seeker.skills.contains($1) ? 1 : 0) }
        let surplusYears = min(max(seeker.experienceYears - requirements.minimumExperienceYears, 0), surplusYearsCap)
        let surplusLevels = min(max(seeker.education.rawValue - requirements.minimumEducation.rawValue, 0), surplusEducationLevelsCap)
        let kilometres = min(seeker.location.distanceMetres(to: position.workLocation) / 1000, distanceCapKilometres)
        return pointsPerSkill * skills
            + pointsPerSurplusYear * surplusYears
            + pointsPerSurplusEducationLevel * surplusLevels
            + pointsPerNearKilometre * (distanceCapKilometres - kilometres)
    }
}
