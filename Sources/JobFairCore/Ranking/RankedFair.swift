/// A fair turned into a matching problem: seekers in id order (index = place in `seekerIDs`),
/// positions in the instance's order, and for every choice how its position ranks the seeker.
public struct RankedFair: Sendable {
    public let instance: FairInstance
    public let seekerIDs: [Int]
    public let positionIDs: [Int]
    /// Instance array indices, for looking up names: `instance.seekers[seekerRecord[s]]`.
    public let seekerRecord: [Int]
    public let problem: MatchingProblem
    /// Per edge: the seeker's 0-based place in its position's ranking, -1 if not ranked.
    public let placeInRanking: [Int32]
    /// Per edge not ranked: why.
    public let notRankedReasons: [Int: NotRankedReason]
    /// Per position, its ranked applicants best first (seeker indices):
    /// `rankedSeekers[rankedOffsets[p]..<rankedOffsets[p+1]]`.
    public let rankedOffsets: [Int32]
    public let rankedSeekers: [Int32]
    /// Per position: whether its enterprise ranked the applicants itself.
    public let rankedByEmployer: [Bool]

    public func seeker(_ index: Int) -> Seeker { instance.seekers[seekerRecord[index]] }
    public func position(_ index: Int) -> Position { instance.positions[index] }

    public func rankedSeekers(ofPosition position: Int) -> ArraySlice<Int32> {
        rankedSeekers[Int(rankedOffsets[position])..<Int(rankedOffsets[position + 1])]
    }

    /// The edge of seeker `seeker`'s choice of `position`, if they chose it.
    public func edge(seeker: Int, position: Int) -> Int? {
        let offsets = problem.choiceOffsets
        for edge in Int(offsets[seeker])..<Int(offsets[seeker + 1]) where Int(problem.choicePositions[edge]) == position {
            return edge
        }
        return nil
    }
}
