import JobFairCore

/// Small instances built by hand: one fair, one enterprise per sector, positions and seekers
/// with only the fields a test cares about.
enum Fixtures {
    static let fair = Fair(id: 1, name: "春季招聘会", startDate: "2026-03-14", endDate: "2026-03-15", venue: "镇文化广场", organiser: "镇党建联盟")
    static let enterprise = Enterprise(id: 1, name: "闽兴机械制造有限公司", creditCode: "91350100M000100Y43", sector: .manufacturing, address: "东山村工业路1号")
    static let office = Location(name: "镇政府", eastMetres: 0, northMetres: 0)

    static func position(_ id: Int, headcount: Int = 1, title: String? = nil, skills: [String] = [], education: Education = .primary, years: Int = 0, certificates: [String] = [], at location: Location = office) -> Position {
        Position(id: id, enterpriseID: enterprise.id, title: title ?? "岗位\(id)", headcount: headcount,
                 requirements: Requirements(skills: skills, minimumEducation: education, minimumExperienceYears: years, certificates: certificates),
                 salary: SalaryRange(minimumYuanPerMonth: 4000, maximumYuanPerMonth: 6000), workLocation: location)
    }

    static func seeker(_ id: Int, choices: [Int], education: Education = .seniorSecondary, years: Int = 0, skills: [String] = [], certificates: [String] = [], at location: Location = office) -> Seeker {
        Seeker(id: id, name: "求职者\(id)", phone: "13812345678", education: education, experienceYears: years, skills: skills,
               certificates: certificates, location: location, languages: ["普通话"], choices: choices)
    }

    static func instance(positions: [Position], seekers: [Seeker], rankings: [EmployerRanking] = []) -> FairInstance {
        FairInstance(fair: fair, enterprises: [enterprise], positions: positions, seekers: seekers, employerRankings: rankings)
    }
}
