/// A seeker whose position differs between two rounds (nil: unmatched or absent).
public struct RoundChange: Sendable, Hashable {
    public var seekerID: Int
    public var previousPositionID: Int?
    public var currentPositionID: Int?

    public init(seekerID: Int, previousPositionID: Int?, currentPositionID: Int?) {
        self.seekerID = seekerID
        self.previousPositionID = previousPositionID
        self.currentPositionID = currentPositionID
    }
}

/// Who changed position between two rounds, by seeker id ascending. A round is given as the
/// matched pairs (seeker id → position id); seekers missing from it are unmatched or absent.
public enum RoundDiff {
    public static func changes(from previous: [Int: Int], to current: [Int: Int]) -> [RoundChange] {
        Set(previous.keys).union(current.keys).sorted().compactMap { seekerID in
            let before = previous[seekerID]
            let after = current[seekerID]
            return before == after ? nil : RoundChange(seekerID: seekerID, previousPositionID: before, currentPositionID: after)
        }
    }

    /// The matched pairs of a result, by ids.
    public static func assignments(_ ranked: RankedFair, _ result: MatchingResult) -> [Int: Int] {
        var pairs: [Int: Int] = [:]
        for (seeker, position) in result.positionOfSeeker.enumerated() where position != MatchingResult.unmatched {
            pairs[ranked.seekerIDs[seeker]] = ranked.positionIDs[Int(position)]
        }
        return pairs
    }
}
