import Foundation

/// One recorded change to a ticket. Append-only; hash-chained per ticket.
public struct LedgerEvent: Sendable, Hashable {
    /// Global, monotonically increasing position over all tickets (for resumable subscriptions).
    public var position: Int64
    public var ticketID: TicketID
    /// 1, 2, 3, ... per ticket.
    public var sequence: Int
    public var actorUserID: UserID
    public var actorRole: String
    public var occurredAt: Date
    /// Nil for the submission event.
    public var fromStatus: TicketStatus?
    public var toStatus: TicketStatus
    public var action: TicketActionName
    public var note: String?
    /// Action-specific facts (category, department, outcome, ...), sorted by key when hashed.
    public var details: [String: String]
    /// Hex SHA-256 of the previous event of the same ticket; 64 zeros for the first.
    public var previousHash: String
    /// Hex SHA-256 over the canonical encoding of this event (see `LedgerHasher`).
    public var hash: String

    public init(position: Int64, ticketID: TicketID, sequence: Int, actorUserID: UserID, actorRole: String, occurredAt: Date,
                fromStatus: TicketStatus?, toStatus: TicketStatus, action: TicketActionName, note: String?, details: [String: String],
                previousHash: String, hash: String) {
        self.position = position; self.ticketID = ticketID; self.sequence = sequence; self.actorUserID = actorUserID
        self.actorRole = actorRole; self.occurredAt = occurredAt; self.fromStatus = fromStatus; self.toStatus = toStatus
        self.action = action; self.note = note; self.details = details; self.previousHash = previousHash; self.hash = hash
    }
}

/// An event about to be appended: everything but position, sequence and hashes.
public struct LedgerEntryDraft: Sendable, Hashable {
    public var actorUserID: UserID
    public var actorRole: String
    public var occurredAt: Date
    public var fromStatus: TicketStatus?
    public var toStatus: TicketStatus
    public var action: TicketActionName
    public var note: String?
    public var details: [String: String]

    public init(actor: Principal, occurredAt: Date, fromStatus: TicketStatus?, toStatus: TicketStatus,
                action: TicketActionName, note: String?, details: [String: String] = [:]) {
        self.actorUserID = actor.userID; self.actorRole = actor.role.rawValue; self.occurredAt = occurredAt
        self.fromStatus = fromStatus; self.toStatus = toStatus; self.action = action; self.note = note; self.details = details
    }
}

/// The answer of `verifyLedger`.
public enum LedgerVerification: Sendable, Hashable {
    case intact(eventCount: Int, headHash: String)
    /// The first event (by expected sequence) that does not check out, and why.
    case broken(atSequence: Int, position: Int64?, reason: String)

    public var isIntact: Bool { if case .intact = self { true } else { false } }
}
