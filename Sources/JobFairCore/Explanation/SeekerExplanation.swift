/// What happened to one of a seeker's choices, read from the matcher's final state.
public enum ChoiceOutcome: Sendable, Hashable {
    /// The seeker holds a place here.
    case matched(positionID: Int)
    /// The position did not rank the seeker.
    case notRanked(positionID: Int, reason: NotRankedReason)
    /// The position filled all `places` with applicants it ranks higher: the seeker was its
    /// `yourPlace`-th (1-based) of `rankedCount`; its last admitted was its `lastAdmittedPlace`-th.
    case filledByHigherRanked(positionID: Int, places: Int, yourPlace: Int, lastAdmittedPlace: Int, rankedCount: Int)
    /// Not reached: the seeker holds a place they want more.
    case notNeeded(positionID: Int)
    /// The position had no place left this round: hires after earlier rounds filled them.
    case alreadyFilled(positionID: Int)
}

/// A seeker's result and why, choice by choice, with the text a person reads.
public struct SeekerExplanation: Sendable, Hashable {
    public var seekerID: Int
    /// The matched position, nil if none.
    public var positionID: Int?
    /// 1-based number of the matched choice in the seeker's list, nil if none.
    public var choiceNumber: Int?
    /// One outcome per choice, in the seeker's order.
    public var outcomes: [ChoiceOutcome]
    public var text: String
}
