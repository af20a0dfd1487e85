import Foundation
import JobFairCore

/// An enterprise with the users who manage it.
public struct EnterpriseRecord: Sendable, Hashable {
    public var enterprise: Enterprise
    public var employerUserIDs: [String]

    public init(enterprise: Enterprise, employerUserIDs: [String]) {
        self.enterprise = enterprise
        self.employerUserIDs = employerUserIDs
    }
}

/// A position with the fair it is offered at and whether its enterprise ranks it itself.
public struct PositionRecord: Sendable, Hashable {
    public var position: Position
    public var fairID: Int
    public var rankedByEmployer: Bool

    public init(position: Position, fairID: Int, rankedByEmployer: Bool = false) {
        self.position = position
        self.fairID = fairID
        self.rankedByEmployer = rankedByEmployer
    }
}

/// A seeker profile with the user it belongs to (`seeker.choices` is empty: lists are per fair).
public struct SeekerRecord: Sendable, Hashable {
    public var seeker: Seeker
    public var userID: String

    public init(seeker: Seeker, userID: String) {
        self.seeker = seeker
        self.userID = userID
    }
}

/// A stored round's summary.
public struct RoundSummary: Sendable, Hashable {
    public var fairID: Int
    public var number: Int
    public var createdAt: Date
    public var seekers: Int
    public var positions: Int
    public var places: Int
    public var matched: Int
    public var unmatched: Int
    public var blockingPairs: Int
    public var changedFromPrevious: Int
    public var proposals: Int
}

/// One choice's outcome as stored with a round (the core's `ChoiceOutcome`, flattened).
public struct StoredChoice: Sendable, Hashable, Codable {
    public enum Kind: Int, Sendable, Codable { case matched = 1, notRanked, filledByHigherRanked, notNeeded, alreadyFilled }
    public var choiceNumber: Int
    public var positionID: Int
    public var kind: Kind
    public var notRankedReason: String = ""
    public var places = 0
    public var yourPlace = 0
    public var lastAdmittedPlace = 0
    public var rankedCount = 0

    init(_ outcome: ChoiceOutcome, number: Int) {
        choiceNumber = number
        switch outcome {
        case .matched(let p): positionID = p; kind = .matched
        case .notNeeded(let p): positionID = p; kind = .notNeeded
        case .alreadyFilled(let p): positionID = p; kind = .alreadyFilled
        case .notRanked(let p, let reason):
            positionID = p; kind = .notRanked; notRankedReason = ExplanationWriter.describe(reason)
        case .filledByHigherRanked(let p, let places, let yourPlace, let lastAdmittedPlace, let rankedCount):
            positionID = p; kind = .filledByHigherRanked
            self.places = places; self.yourPlace = yourPlace; self.lastAdmittedPlace = lastAdmittedPlace; self.rankedCount = rankedCount
        }
    }
}

/// A seeker's stored result in a round.
public struct SeekerResult: Sendable, Hashable {
    public var round: Int
    public var seekerID: Int
    public var positionID: Int?
    public var choiceNumber: Int?
    public var outcomes: [StoredChoice]
    public var explanation: String
    public var outcome: OfferState?
}

/// Where a match stands after its round (jobfair.proto `OutcomeState`).
public enum OfferState: Int, Sendable, Hashable, CaseIterable {
    case offered = 1, accepted, refused, hired

    /// The state a match may move to from `self` (nil: nothing recorded yet).
    static func allowed(from current: OfferState?, to next: OfferState) -> Bool {
        switch (current, next) {
        case (nil, .offered), (.offered?, .accepted), (.offered?, .refused), (.accepted?, .hired): true
        default: false
        }
    }
}

/// A match of a round at a position, with its offer state.
public struct MatchRecord: Sendable, Hashable {
    public var seeker: SeekerRecord
    public var positionID: Int
    public var choiceNumber: Int
    public var outcome: OfferState?
}

/// One applicant of a position as its enterprise sees them.
public struct ApplicantRecord: Sendable, Hashable {
    public var seeker: SeekerRecord
    public var choiceNumber: Int
    public var hardRequirementMissed: String?
    public var fitScore: Int
    /// 1-based, nil when not ranked.
    public var rankingPlace: Int?
}

/// Counts for a fair, a sector or an enterprise.
public struct FigureCounts: Sendable, Hashable {
    public var positions = 0, places = 0, seekers = 0, applications = 0, matched = 0, unmatched = 0
    public var offers = 0, acceptances = 0, refusals = 0, hires = 0, unfilledPositions = 0
}

public struct FairFigures: Sendable {
    public var fair: Fair
    public var latestRound: Int
    public var totals: FigureCounts
    public var sectors: [(Sector, FigureCounts)]
    public var enterprises: [(Enterprise, FigureCounts)]
}
