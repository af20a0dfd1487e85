import TownshipRandom

/// The demo fair at the seed's scale, deterministic from a seed: one spring fair, 82
/// enterprises across the township's sectors, 800+ positions, a few thousand seekers whose
/// lists favour popular positions (a few draw most applications) and their own sector, and a
/// share of enterprises that rank their applicants themselves.
public struct DemoFairGenerator: Sendable {
    public var seed: UInt64
    public var enterpriseCount = 82
    public var minimumPositions = 800
    public var seekerCount = 3000
    /// Percent of positions whose enterprise ranks its applicants itself.
    public var employerRankedPercent = 10
    /// Percent of seekers who list no positions (they came, looked, chose nothing).
    public var emptyListPercent = 3

    public init(seed: UInt64) { self.seed = seed }

    /// The township's hiring mix: manufacturing leads, then logistics, services, agriculture.
    static let sectorWeights: [(Sector, Int)] = [(.manufacturing, 40), (.logistics, 22), (.services, 22), (.agricultureProcessing, 16)]

    public func generate() -> FairInstance {
        var random = SplitMix64(seed: seed)
        let fair = Fair(id: 1, name: "2026年春季就业招聘会", startDate: "2026-03-14", endDate: "2026-03-15", venue: "镇文化广场", organiser: "镇党建联盟")

        var enterprises: [Enterprise] = []
        for id in 1...enterpriseCount {
            let sector = Self.pickSector(&random)
            let prefix = DemoCatalogue.namePrefixes[random.below(DemoCatalogue.namePrefixes.count)]
            let suffixes = DemoCatalogue.nameSuffixes[sector]!
            let village = DemoCatalogue.villages[random.below(DemoCatalogue.villages.count)]
            enterprises.append(Enterprise(id: id, name: "\(prefix)\(suffixes[random.below(suffixes.count)])", creditCode: Self.creditCode(&random), sector: sector, address: "\(village)工业路\(1 + random.below(200))号"))
        }

        var positions: [Position] = []
        var round = 0
        while positions.count < minimumPositions || round == 0 {
            for enterprise in enterprises {
                let count = round == 0 ? 8 + random.below(5) : 1
                for _ in 0..<count {
                    let templates = DemoCatalogue.templates[enterprise.sector]!
                    let template = templates[random.below(templates.count)]
                    let low = template.salary.lowerBound + 100 * random.below(10)
                    positions.append(Position(
                        id: 1000 + positions.count, enterpriseID: enterprise.id, title: template.title,
                        headcount: [1, 1, 1, 2, 2, 3, 4, 5][random.below(8)],
                        requirements: Requirements(skills: template.skills, minimumEducation: template.minimumEducation, minimumExperienceYears: template.minimumExperienceYears, certificates: template.certificates),
                        salary: SalaryRange(minimumYuanPerMonth: low, maximumYuanPerMonth: max(low, template.salary.upperBound)),
                        workLocation: Self.location(&random)))
                    if positions.count >= minimumPositions && round > 0 { break }
                }
                if positions.count >= minimumPositions && round > 0 { break }
            }
            round += 1
        }

        // Popularity: position i is wanted with weight ∝ 1/(r+1) for a random popularity rank r.
        var popularityRank = Array(0..<positions.count)
        popularityRank.shuffle(using: &random)
        let sectorOfPosition = positions.map { position in enterprises[position.enterpriseID - 1].sector }
        var cumulative: [Int] = []
        var total = 0
        for rank in popularityRank { total += 1_000_000 / (rank + 1); cumulative.append(total) }

        var seekers: [Seeker] = []
        let allSkills = Sector.allCases.flatMap { DemoCatalogue.templates[$0]!.flatMap(\.skills) }
        let skillPool = Array(Set(allSkills)).sorted()
        for id in 1...seekerCount {
            let ownSector = Self.pickSector(&random)
            let education = Education(rawValue: [0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5][random.below(11)])!
            let experience = random.below(4) == 0 ? 0 : random.below(21)
            let sectorSkills = Array(Set(DemoCatalogue.templates[ownSector]!.flatMap(\.skills))).sorted()
            var skills: [String] = []
            for _ in 0..<(1 + random.below(4)) {
                let pool = random.below(3) == 0 ? skillPool : sectorSkills
                let skill = pool[random.below(pool.count)]
                if !skills.contains(skill) { skills.append(skill) }
            }
            var certificates: [String] = []
            for certificate in DemoCatalogue.extraCertificates where random.below(6) == 0 { certificates.append(certificate) }
            var languages = ["普通话"]
            if random.below(3) > 0 { languages.append(DemoCatalogue.regionalLanguages[random.below(DemoCatalogue.regionalLanguages.count)]) }

            var choices: [Int] = []
            if random.below(100) >= emptyListPercent {
                let wanted = 1 + random.below(Seeker.maximumChoices)
                var attempts = 0
                while choices.count < wanted && attempts < 200 {
                    attempts += 1
                    let index = Self.pickWeighted(&random, cumulative: cumulative)
                    // Most people look within their own sector; a third look anywhere.
                    if sectorOfPosition[index] != ownSector && random.below(3) > 0 { continue }
                    let positionID = positions[index].id
                    if !choices.contains(positionID) { choices.append(positionID) }
                }
            }
            let surname = DemoCatalogue.surnames[random.below(DemoCatalogue.surnames.count)]
            let given = (0..<(1 + random.below(2))).map { _ in DemoCatalogue.givenCharacters[random.below(DemoCatalogue.givenCharacters.count)] }
            seekers.append(Seeker(
                id: id, name: String(surname) + String(given),
                phone: "1\([3, 5, 7, 8, 9][random.below(5)])\(String(100_000_000 + random.below(900_000_000)))",
                education: education, experienceYears: experience, skills: skills, certificates: certificates,
                location: Self.location(&random), languages: languages, choices: choices))
        }

        // Some enterprises rank applicants themselves: those meeting the hard requirements, by
        // years of experience (most first), then by their own judgement (a shuffle).
        var applicants: [Int: [Seeker]] = [:]
        for seeker in seekers { for choice in seeker.choices { applicants[choice, default: []].append(seeker) } }
        var employerRankings: [EmployerRanking] = []
        for position in positions where random.below(100) < employerRankedPercent {
            var eligible = (applicants[position.id] ?? []).filter { FitScore.hardRequirementFailure(of: $0, for: position) == nil }
            eligible.shuffle(using: &random)
            let ordered = eligible.enumerated().sorted { ($0.element.experienceYears, -$0.offset) > ($1.element.experienceYears, -$1.offset) }
            employerRankings.append(EmployerRanking(positionID: position.id, seekerIDs: ordered.map(\.element.id)))
        }
        return FairInstance(fair: fair, enterprises: enterprises, positions: positions, seekers: seekers, employerRankings: employerRankings)
    }

    static func pickSector(_ random: inout SplitMix64) -> Sector {
        var roll = random.below(100)
        for (sector, weight) in sectorWeights {
            if roll < weight { return sector }
            roll -= weight
        }
        return .manufacturing
    }

    static func pickWeighted(_ random: inout SplitMix64, cumulative: [Int]) -> Int {
        let target = random.below(cumulative.last!)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Within the township: up to 12 km east-west and 10 km north-south of the office.
    static func location(_ random: inout SplitMix64) -> Location {
        let village = DemoCatalogue.villages[random.below(DemoCatalogue.villages.count)]
        return Location(name: village, eastMetres: random.below(24_001) - 12_000, northMetres: random.below(20_001) - 10_000)
    }

    /// A valid code: legal-person enterprise ("91"), a Fujian division, a random organisation
    /// code, and its check character.
    static func creditCode(_ random: inout SplitMix64) -> String {
        var body = "91350" + String(100 + random.below(900))
        for _ in 0..<9 { body.append(CreditCode.alphabet[random.below(CreditCode.alphabet.count)]) }
        return body + String(CreditCode.checkCharacter(forFirst17: body)!)
    }
}
