import JobFairCore
import TownshipRandom

/// Seeded random fairs for the cross-checks, small and deliberately awkward: few distinct
/// attribute values so fit scores tie often (broken by seeker id), headcounts 1–4, about a
/// quarter of positions ranked by their enterprise (some ranking nobody), hard requirements
/// some seekers miss, and some seekers with empty lists.
enum RandomInstances {
    static func make(seed: UInt64) -> FairInstance {
        var random = SplitMix64(seed: seed &* 0x9E37_79B9 &+ 1)
        let positionCount = 1 + random.below(14)
        let seekerCount = random.below(45)
        let points = [Location(name: "东", eastMetres: 0, northMetres: 0), Location(name: "西", eastMetres: 4000, northMetres: 0)]
        let skills = ["电焊", "叉车", "收银"]
        let positions = (0..<positionCount).map { index in
            Fixtures.position(100 + index, headcount: 1 + random.below(4),
                              skills: skills.filter { _ in random.below(2) == 0 },
                              education: random.below(3) == 0 ? .seniorSecondary : .primary,
                              years: random.below(4) == 0 ? 2 : 0,
                              certificates: random.below(6) == 0 ? ["叉车证"] : [],
                              at: points[random.below(points.count)])
        }
        // Seeker ids out of order and sparse, so "id ascending" differs from list order.
        var ids = Array(Set((0..<seekerCount).map { _ in random.below(1000) }))
        ids.sort()
        ids.shuffle(using: &random)
        let seekers = ids.map { id in
            var choices: [Int] = []
            if random.below(8) > 0 {
                let wanted = random.below(min(Seeker.maximumChoices, positionCount) + 1)
                while choices.count < wanted {
                    let choice = 100 + random.below(positionCount)
                    if !choices.contains(choice) { choices.append(choice) }
                }
            }
            return Fixtures.seeker(id, choices: choices,
                                   education: random.below(4) == 0 ? .juniorSecondary : .seniorSecondary,
                                   years: random.below(4), skills: skills.filter { _ in random.below(2) == 0 },
                                   certificates: random.below(2) == 0 ? ["叉车证"] : [],
                                   at: points[random.below(points.count)])
        }
        var rankings: [EmployerRanking] = []
        for position in positions where random.below(4) == 0 {
            var applicants = seekers.filter { $0.choices.contains(position.id) }.map(\.id)
            applicants.shuffle(using: &random)
            let kept = random.below(3) == 0 ? 0 : random.below(applicants.count + 1)
            rankings.append(EmployerRanking(positionID: position.id, seekerIDs: Array(applicants.prefix(kept))))
        }
        return Fixtures.instance(positions: positions, seekers: seekers, rankings: rankings)
    }
}
