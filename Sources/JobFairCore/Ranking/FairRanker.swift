/// Builds the matching problem of a fair: validates it (refusing it whole on any error), then
/// ranks each position's applicants by the enterprise's own ranking where it gave one, else
/// by `FitScore` (hard requirements first, then score descending, then seeker id ascending).
public enum FairRanker {
    public static func rank(_ instance: FairInstance) throws(ValidationErrors) -> RankedFair {
        try FairValidator.check(instance)

        let seekerRecord = instance.seekers.indices.sorted { instance.seekers[$0].id < instance.seekers[$1].id }
        let seekerIDs = seekerRecord.map { instance.seekers[$0].id }
        var seekerIndex: [Int: Int32] = [:]
        for (index, id) in seekerIDs.enumerated() { seekerIndex[id] = Int32(index) }
        var positionIndex: [Int: Int32] = [:]
        for (index, position) in instance.positions.enumerated() { positionIndex[position.id] = Int32(index) }

        var employerPlaces: [Int32: [Int: UInt32]] = [:]
        for ranking in instance.employerRankings {
            var places: [Int: UInt32] = [:]
            for (place, seekerID) in ranking.seekerIDs.enumerated() { places[seekerID] = UInt32(place) }
            employerPlaces[positionIndex[ranking.positionID]!] = places
        }

        var choiceOffsets: [Int32] = [0]
        var choicePositions: [Int32] = []
        var edgeRanks: [UInt32] = []
        var reasons: [Int: NotRankedReason] = [:]
        for record in seekerRecord {
            let seeker = instance.seekers[record]
            for choice in seeker.choices {
                let position = positionIndex[choice]!
                let edge = choicePositions.count
                choicePositions.append(position)
                if let places = employerPlaces[position] {
                    if let place = places[seeker.id] {
                        edgeRanks.append(place)
                    } else {
                        edgeRanks.append(MatchingProblem.notRanked)
                        reasons[edge] = .leftOutByEmployer
                    }
                } else if let failure = FitScore.hardRequirementFailure(of: seeker, for: instance.positions[Int(position)]) {
                    edgeRanks.append(MatchingProblem.notRanked)
                    reasons[edge] = failure
                } else {
                    let score = min(FitScore.score(of: seeker, for: instance.positions[Int(position)]), Int(MatchingProblem.notRanked - 1))
                    edgeRanks.append(MatchingProblem.notRanked - 1 - UInt32(score))
                }
            }
            choiceOffsets.append(Int32(choicePositions.count))
        }

        // Places already filled by hires after earlier rounds are not offered again.
        let capacities = instance.positions.map { Int32(clamping: max(0, $0.headcount - (instance.placesTaken[$0.id] ?? 0))) }
        let problem: MatchingProblem
        do {
            problem = try MatchingProblem(capacities: capacities, choiceOffsets: choiceOffsets, choicePositions: choicePositions, edgeRanks: edgeRanks)
        } catch {
            throw ValidationErrors([error])
        }

        // Each position's ranked applicants, best first, and each edge's place among them.
        var edgesByPosition = [[Int]](repeating: [], count: instance.positions.count)
        for seeker in 0..<seekerIDs.count {
            for edge in Int(choiceOffsets[seeker])..<Int(choiceOffsets[seeker + 1]) where edgeRanks[edge] != MatchingProblem.notRanked {
                edgesByPosition[Int(choicePositions[edge])].append(edge)
            }
        }
        var seekerOfEdge = [Int32](repeating: 0, count: choicePositions.count)
        for seeker in 0..<seekerIDs.count {
            for edge in Int(choiceOffsets[seeker])..<Int(choiceOffsets[seeker + 1]) { seekerOfEdge[edge] = Int32(seeker) }
        }
        var placeInRanking = [Int32](repeating: -1, count: choicePositions.count)
        var rankedOffsets: [Int32] = [0]
        var rankedSeekers: [Int32] = []
        for position in 0..<instance.positions.count {
            let ordered = edgesByPosition[position].sorted {
                MatchingResult.orderKey(rank: edgeRanks[$0], seeker: seekerOfEdge[$0]) < MatchingResult.orderKey(rank: edgeRanks[$1], seeker: seekerOfEdge[$1])
            }
            for (place, edge) in ordered.enumerated() {
                placeInRanking[edge] = Int32(place)
                rankedSeekers.append(seekerOfEdge[edge])
            }
            rankedOffsets.append(Int32(rankedSeekers.count))
        }

        return RankedFair(
            instance: instance,
            seekerIDs: seekerIDs,
            positionIDs: instance.positions.map(\.id),
            seekerRecord: seekerRecord,
            problem: problem,
            placeInRanking: placeInRanking,
            notRankedReasons: reasons,
            rankedOffsets: rankedOffsets,
            rankedSeekers: rankedSeekers,
            rankedByEmployer: (0..<instance.positions.count).map { employerPlaces[Int32($0)] != nil }
        )
    }
}
