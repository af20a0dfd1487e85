import GRDB
import JobFairCore

/// The figures leaders see: matches from the latest round; offers, acceptances, refusals and
/// hires from each seeker's latest recorded step, whichever round it followed.
extension JobFairStore {
    public func figures(fairID: Int) async throws -> FairFigures {
        try await pool.read { db in
            let fair = try Self.fair(db, fairID)
            let positions = try Self.positions(db, fairID: fairID).map(\.position)
            let enterprises = try Set(positions.map(\.enterpriseID)).sorted().map { try Self.enterprise(db, $0).enterprise }
            let sectorOf = Dictionary(uniqueKeysWithValues: enterprises.map { ($0.id, $0.sector) })
            let enterpriseOf = Dictionary(uniqueKeysWithValues: positions.map { ($0.id, $0.enterpriseID) })
            let lists = try Self.lists(db, fairID: fairID)
            let latest = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM rounds WHERE fair_id = ?", arguments: [fairID]) ?? 0
            let assignments = try Self.assignments(db, fairID: fairID, round: latest)
            // Each seeker's latest recorded step, whichever round it followed: a hire stays a
            // hire when a later round is run.
            let steps = try Self.latestSteps(db, fairID: fairID)

            var totals = FigureCounts()
            var byEnterprise: [Int: FigureCounts] = [:]
            var bySector: [Sector: FigureCounts] = [:]
            func add(_ position: Int, _ change: (inout FigureCounts) -> Void) {
                change(&totals)
                guard let enterprise = enterpriseOf[position] else { return }
                change(&byEnterprise[enterprise, default: FigureCounts()])
                change(&bySector[sectorOf[enterprise]!, default: FigureCounts()])
            }
            // Places held: the latest round's matches, and the hires of earlier rounds (whose
            // seekers the latest round left out).
            var heldPlaces: [Int: Int] = [:]
            for position in assignments.values { heldPlaces[position, default: 0] += 1 }
            for step in steps where step.state == .hired && step.round < latest { heldPlaces[step.positionID, default: 0] += 1 }
            for position in positions {
                add(position.id) {
                    $0.positions += 1
                    $0.places += position.headcount
                    if latest > 0 && heldPlaces[position.id, default: 0] < position.headcount { $0.unfilledPositions += 1 }
                }
            }
            for choices in lists.values { for position in choices { add(position) { $0.applications += 1 } } }
            for position in assignments.values { add(position) { $0.matched += 1 } }
            for step in steps {
                let state = step.state
                add(step.positionID) {
                    $0.offers += 1
                    if state == .accepted || state == .hired { $0.acceptances += 1 }
                    if state == .refused { $0.refusals += 1 }
                    if state == .hired { $0.hires += 1 }
                }
            }
            totals.seekers = lists.count
            if latest > 0 {
                totals.unmatched = try Int.fetchOne(db, sql: "SELECT unmatched FROM rounds WHERE fair_id = ? AND number = ?", arguments: [fairID, latest])!
            }
            let sectors = Sector.allCases.compactMap { sector in bySector[sector].map { (sector, $0) } }
            let ranked = enterprises.map { ($0, byEnterprise[$0.id] ?? FigureCounts()) }
                .sorted { ($0.1.hires, -$0.0.id) > ($1.1.hires, -$1.0.id) }
            return FairFigures(fair: fair, latestRound: latest, totals: totals, sectors: sectors, enterprises: ranked)
        }
    }
}
