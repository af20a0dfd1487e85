/// What a position demands. Education, years and certificates are hard requirements (a seeker
/// who misses one is not ranked at all); skills are soft and count towards the fit score.
public struct Requirements: Sendable, Hashable, Codable {
    public var skills: [String]
    public var minimumEducation: Education
    public var minimumExperienceYears: Int
    public var certificates: [String]

    public init(skills: [String] = [], minimumEducation: Education = .primary, minimumExperienceYears: Int = 0, certificates: [String] = []) {
        self.skills = skills
        self.minimumEducation = minimumEducation
        self.minimumExperienceYears = minimumExperienceYears
        self.certificates = certificates
    }
}

/// Monthly salary in yuan; `minimum` ≤ `maximum`.
public struct SalaryRange: Sendable, Hashable, Codable {
    public var minimumYuanPerMonth: Int
    public var maximumYuanPerMonth: Int

    public init(minimumYuanPerMonth: Int, maximumYuanPerMonth: Int) {
        self.minimumYuanPerMonth = minimumYuanPerMonth
        self.maximumYuanPerMonth = maximumYuanPerMonth
    }
}

/// A position an enterprise offers at a fair, with `headcount` places (≥ 1).
public struct Position: Sendable, Hashable, Codable {
    public var id: Int
    public var enterpriseID: Int
    public var title: String
    public var headcount: Int
    public var requirements: Requirements
    public var salary: SalaryRange
    public var workLocation: Location

    public init(id: Int, enterpriseID: Int, title: String, headcount: Int, requirements: Requirements, salary: SalaryRange, workLocation: Location) {
        self.id = id
        self.enterpriseID = enterpriseID
        self.title = title
        self.headcount = headcount
        self.requirements = requirements
        self.salary = salary
        self.workLocation = workLocation
    }
}
