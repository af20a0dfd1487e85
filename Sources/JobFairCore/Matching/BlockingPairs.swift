/// Counts the blocking pairs of a result, read from the problem and the result alone (not the
/// matcher's heaps' order): a pair (seeker, position) blocks when the seeker listed the
/// position above the one they hold (or holds none), the position ranks them, and it has a
/// free place or admitted someone it ranks below them. A stable result has none; the service
/// refuses to store a round with any.
public enum BlockingPairs {
    public static func count(_ problem: MatchingProblem, _ result: MatchingResult) -> Int {
        // Per position: how many it admitted and the worst key among them, recomputed from
        // `positionOfSeeker` so that a wrong heap could not hide a blocking pair.
        var admitted = [Int32](repeating: 0, count: problem.positionCount)
        var worst = [UInt64](repeating: 0, count: problem.positionCount)
        for seeker in 0..<problem.seekerCount {
            let position = Int(result.positionOfSeeker[seeker])
            guard position != Int(MatchingResult.unmatched) else { continue }
            admitted[position] += 1
            for edge in Int(problem.choiceOffsets[seeker])..<Int(problem.choiceOffsets[seeker + 1])
            where Int(problem.choicePositions[edge]) == position {
                worst[position] = max(worst[position], MatchingResult.orderKey(rank: problem.edgeRanks[edge], seeker: Int32(seeker)))
            }
        }
        var blocking = 0
        for seeker in 0..<problem.seekerCount {
            let held = Int(result.positionOfSeeker[seeker])
            for edge in Int(problem.choiceOffsets[seeker])..<Int(problem.choiceOffsets[seeker + 1]) {
                let position = Int(problem.choicePositions[edge])
                if position == held { break }
                let rank = problem.edgeRanks[edge]
                if rank == MatchingProblem.notRanked { continue }
                let key = MatchingResult.orderKey(rank: rank, seeker: Int32(seeker))
                if admitted[position] < problem.capacities[position] || key < worst[position] { blocking += 1 }
            }
        }
        return blocking
    }
}
