/// How a problem is typed on the list: one enterprise's own (个性), shared by several (共性),
/// or hard to solve (疑难).
public enum ProblemType: String, Sendable, Hashable, Codable, CaseIterable {
    case individual
    case common
    case difficult
}

/// Where an item stands. `filed` items are the period's draft list the zone office reviews;
/// `merged` ones were absorbed into a common item; after `published` a department claims it
/// (or the office assigns it), proposes a solution (`answered`), reports progress monthly,
/// and the office clears it (销号) once the enterprise has confirmed.
public enum ProblemState: String, Sendable, Hashable, Codable, CaseIterable {
    case filed
    case merged
    case published
    case claimed
    case answered
    case cleared
}

/// One enterprise's report of the problem (a merged item keeps every one).
public struct ProblemSource: Sendable, Hashable, Codable {
    public var organisationID: String
    public var liaisonID: String
    public var filedAt: Instant
    /// The item the source was first filed as (itself for an item never merged).
    public var originalItemID: Int64

    public init(organisationID: String, liaisonID: String, filedAt: Instant, originalItemID: Int64) {
        self.organisationID = organisationID
        self.liaisonID = liaisonID
        self.filedAt = filedAt
        self.originalItemID = originalItemID
    }
}

/// Who acted, as the problem list's rules see it.
public enum ProblemActor: Sendable, Hashable, CustomStringConvertible {
    /// A liaison (their user id).
    case liaison(String)
    /// Staff of a department (the department, the user).
    case department(String, user: String)
    /// The zone office (a leader or an administrator; the user).
    case office(String)
    /// The deadline pass.
    case system

    public var description: String {
        switch self {
        case .liaison(let id): "liaison:\(id)"
        case .department(let department, let user): "department:\(department)/\(user)"
        case .office(let user): "office:\(user)"
        case .system: "system"
        }
    }
}

public enum TimelineKind: String, Sendable, Hashable, Codable, CaseIterable {
    case filed, retyped, merged, published, claimed, assigned
    case reminded, overdue, unclaimedPastWindow = "unclaimed_past_window"
    case answered, progressReported = "progress_reported", progressOverdue = "progress_overdue"
    case confirmed, cleared
    /// The office referred the item to intake; intake filed its ticket.
    case referred, ticketCreated = "ticket_created"
}

/// One step of an item's history; never changed once written.
public struct TimelineEntry: Sendable, Hashable, Codable {
    public var at: Instant
    public var kind: TimelineKind
    public var actor: String
    public var note: String

    public init(at: Instant, kind: TimelineKind, actor: String, note: String = "") {
        self.at = at
        self.kind = kind
        self.actor = actor
        self.note = note
    }
}

public struct ProgressReport: Sendable, Hashable, Codable {
    public var at: Instant
    public var note: String

    public init(at: Instant, note: String) {
        self.at = at
        self.note = note
    }
}

/// An item of the problem list with everything that happened to it.
public struct ProblemItem: Sendable, Hashable, Codable {
    public var id: Int64
    public var period: ProblemPeriod
    public var type: ProblemType
    public var title: String
    public var description: String
    public var sources: [ProblemSource]
    public var state: ProblemState

    /// For a merged item: the common item it was merged into.
    public var mergedInto: Int64?
    /// For a common item made by a merge: the items it absorbed.
    public var mergedFrom: [Int64] = []

    public var publishedAt: Instant?
    public var department: String?
    public var claimedAt: Instant?
    /// True when the office assigned the item because nobody claimed it in time.
    public var assignedByOffice = false
    public var solutionDueAt: Instant?
    public var remindedAt: Instant?
    public var overdueAt: Instant?
    public var unclaimedFlaggedAt: Instant?

    public var solution: String?
    public var answeredAt: Instant?
    public var progress: [ProgressReport] = []
    public var progressDueAt: Instant?
    public var progressOverdueAt: Instant?

    public var confirmedAt: Instant?
    public var confirmedBy: String?
    public var clearedAt: Instant?

    public var timeline: [TimelineEntry] = []

    /// For a difficult item referred to intake: the ticket and how its filing went.
    public var referral: Referral?

    public init(id: Int64, period: ProblemPeriod, type: ProblemType, title: String, description: String,
                sources: [ProblemSource], state: ProblemState = .filed) {
        self.id = id
        self.period = period
        self.type = type
        self.title = title
        self.description = description
        self.sources = sources
        self.state = state
    }

    /// Answered within the solution deadline (nil while unanswered).
    public var answeredOnTime: Bool? {
        guard let answeredAt, let solutionDueAt else { return nil }
        return answeredAt <= solutionDueAt
    }

    /// Claimed or assigned, not answered, past the deadline.
    public func isOverdue(at now: Instant) -> Bool {
        guard state == .claimed, let solutionDueAt else { return false }
        return now > solutionDueAt
    }

    /// The organisations whose problem this is.
    public var organisationIDs: [String] {
        var seen = Set<String>()
        return sources.map(\.organisationID).filter { seen.insert($0).inserted }
    }

    mutating func record(_ kind: TimelineKind, by actor: ProblemActor, at: Instant, note: String = "") {
        timeline.append(TimelineEntry(at: at, kind: kind, actor: actor.description, note: note))
    }
}
