/// Where a referral to intake stands: waiting to be filed (the outbox holds it until intake
/// answers), or filed as a ticket whose status is refreshed.
public enum ReferralState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case submitted
}

/// A difficult item the zone office referred to intake as a ticket (#14). Intake may be down
/// when the office refers it: the referral is kept and retried, and every failed attempt is
/// counted with its error, so the office sees why it is still waiting.
public struct Referral: Sendable, Hashable, Codable {
    /// The intake village the ticket is filed for (intake requires one).
    public var villageID: String
    public var requestedAt: Instant
    /// Who referred it ("office:<user>").
    public var requestedBy: String
    public var state: ReferralState
    /// Intake's ticket id and number (set once the ticket exists).
    public var ticketID: String?
    public var ticketNumber: String?
    /// Intake's status name of the ticket when last read (e.g. "TICKET_STATUS_DISPATCHED").
    public var ticketStatus: String?
    public var ticketCreatedAt: Instant?
    public var statusCheckedAt: Instant?
    /// Failed attempts to file or read the ticket, and the last failure.
    public var attempts: Int
    public var lastError: String?
    public var lastAttemptAt: Instant?

    public init(villageID: String, requestedAt: Instant, requestedBy: String) {
        self.villageID = villageID
        self.requestedAt = requestedAt
        self.requestedBy = requestedBy
        self.state = .pending
        self.attempts = 0
    }

    /// The idempotency key of the ticket's submission: the same for every attempt, so intake
    /// files it exactly once however often it is retried (spec §6).
    public static func idempotencyKey(itemID: Int64) -> String { "enterprise-liaison:item:\(itemID)" }

    /// Longest error text kept (the rest is cut).
    public static let maxErrorCharacters = 500
}

extension ProblemWorkflow {
    /// The office refers a published difficult item to intake. Referring it again for the same
    /// village changes nothing; for another village it is ALREADY_REFERRED.
    public func refer(_ item: ProblemItem, villageID: String, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> ProblemItem {
        guard case .office = actor else { throw .denied("only the zone office may refer items to intake") }
        try Validate.identifier(villageID, field: "village_id")
        if let referral = item.referral {
            guard referral.villageID == villageID else {
                throw LiaisonError(.alreadyExists, reason: LiaisonReason.alreadyReferred,
                                   "item \(item.id) was already referred to intake for village \(referral.villageID)")
            }
            return item
        }
        guard item.type == .difficult else {
            throw .precondition(reason: LiaisonReason.notDifficult, "item \(item.id) is \(item.type.rawValue): only difficult items are referred to intake")
        }
        guard [.published, .claimed, .answered].contains(item.state) else {
            throw .precondition(reason: LiaisonReason.wrongState, "item \(item.id) is \(item.state.rawValue): only a published, open item is referred")
        }
        var changed = item
        changed.referral = Referral(villageID: villageID, requestedAt: now, requestedBy: actor.description)
        changed.record(.referred, by: actor, at: now, note: "to intake, village \(villageID)")
        return changed
    }

    /// Intake filed the ticket: its number is on the item and in its timeline.
    public func recordTicket(_ item: ProblemItem, ticketID: String, number: String, status: String, now: Instant) -> ProblemItem {
        guard var referral = item.referral, referral.state == .pending else { return item }
        var changed = item
        referral.state = .submitted
        referral.ticketID = ticketID
        referral.ticketNumber = number
        referral.ticketStatus = status
        referral.ticketCreatedAt = now
        referral.statusCheckedAt = now
        referral.lastAttemptAt = now
        changed.referral = referral
        changed.record(.ticketCreated, by: .system, at: now, note: "intake ticket \(number)")
        return changed
    }

    /// An attempt failed (intake down, refused, too slow): counted, with its error; retried later.
    public func recordReferralFailure(_ item: ProblemItem, error: String, now: Instant) -> ProblemItem {
        guard var referral = item.referral else { return item }
        var changed = item
        referral.attempts += 1
        referral.lastError = String(error.prefix(Referral.maxErrorCharacters))
        referral.lastAttemptAt = now
        changed.referral = referral
        return changed
    }

    /// The ticket's status as intake reported it now.
    public func recordTicketStatus(_ item: ProblemItem, status: String, now: Instant) -> ProblemItem {
        guard var referral = item.referral, referral.state == .submitted else { return item }
        var changed = item
        referral.ticketStatus = status
        referral.statusCheckedAt = now
        referral.lastError = nil
        changed.referral = referral
        return changed
    }
}
