import TownshipRandom

/// Benchmark-scale instances straight in the matcher's flat form, without names or records:
/// `seekers` seekers each choosing `choices` distinct positions among `positions`, with a
/// skewed popularity (position i is chosen with density ∝ 1/√(i+1), so the first few percent
/// draw most applications), integer fit scores per choice in 0..<`scoreRange` (so scores tie
/// often and fall to seeker id), `unrankedPercent` of choices not ranked (a missed hard
/// requirement), and headcounts drawn so that the places number about `placesPerSeeker`
/// (in percent) of the seekers.
public struct ScaledInstance: Sendable {
    public let capacities: [Int32]
    public let choiceOffsets: [Int32]
    public let choicePositions: [Int32]
    public let edgeScores: [Int32]

    public var seekerCount: Int { choiceOffsets.count - 1 }

    public static func generate(seekers: Int, positions: Int, choices: Int, seed: UInt64, scoreRange: Int = 4000, unrankedPercent: Int = 5, placesPerSeeker: Int = 60) -> ScaledInstance {
        precondition(seekers > 0 && positions > 0 && choices >= 0 && choices <= positions)
        var random = SplitMix64(seed: seed)
        let meanHeadcount = max(1, seekers * placesPerSeeker / 100 / positions)
        let capacities = (0..<positions).map { _ in Int32(1 + random.below(2 * meanHeadcount)) }
        var choiceOffsets = [Int32](repeating: 0, count: seekers + 1)
        var choicePositions = [Int32](repeating: 0, count: seekers * choices)
        var edgeScores = [Int32](repeating: 0, count: seekers * choices)
        var edge = 0
        for seeker in 0..<seekers {
            let start = edge
            while edge - start < choices {
                // u² skews towards low indices: density ∝ 1/√x.
                let u = random.below(1 << 20)
                let position = Int32(truncatingIfNeeded: (((u * u) >> 20) * positions) >> 20)
                if choicePositions[start..<edge].contains(position) { continue }
                choicePositions[edge] = position
                edgeScores[edge] = random.below(100) < unrankedPercent ? -1 : Int32(random.below(scoreRange))
                edge += 1
            }
            choiceOffsets[seeker + 1] = Int32(edge)
        }
        return ScaledInstance(capacities: capacities, choiceOffsets: choiceOffsets, choicePositions: choicePositions, edgeScores: edgeScores)
    }

    /// The matching problem (the benchmark times this together with the matching).
    public func problem() throws(ValidationError) -> MatchingProblem {
        try MatchingProblem(capacities: capacities, choiceOffsets: choiceOffsets, choicePositions: choicePositions, edgeScores: edgeScores)
    }
}
