/// One matching round of a fair: rank, match, explain.
public struct FairRound: Sendable {
    public let ranked: RankedFair
    public let result: MatchingResult
    public let explanations: [SeekerExplanation]

    /// Matched pairs by ids (seeker id → position id).
    public var assignments: [Int: Int] { RoundDiff.assignments(ranked, result) }
}

public enum FairMatcher {
    /// Validates the fair (throwing every error, nothing matched), then matches it.
    public static func run(_ instance: FairInstance) throws(ValidationErrors) -> FairRound {
        let ranked = try FairRanker.rank(instance)
        let result = DeferredAcceptance.match(ranked.problem)
        return FairRound(ranked: ranked, result: result, explanations: ExplanationWriter.explain(ranked, result))
    }
}
