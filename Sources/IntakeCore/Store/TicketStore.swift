import Foundation

/// A deadline notice the scheduler recorded (and the ledger holds as an event).
public struct DeadlineNotice: Sendable, Hashable {
    public var ticketID: TicketID
    public var ticketNumber: String
    public var kind: DeadlineNoticeKind
    public var dueAt: Date
    public var emittedAt: Date
    /// Who should hear of it: the owner, the handling department, and leaders for escalations.
    public var ownerUserID: UserID?
    public var departmentID: DepartmentID?
    public var notifyLeaders: Bool
}

/// Storage of the intake domain. Every operation takes the principal it runs for and
/// enforces visibility in its queries. `SQLiteTicketStore` and `PostgresTicketStore` fill it
/// (and `IntakeStore`, what the service needs besides).
public protocol TicketStore: Sendable {
    // Reference data
    func replaceReferenceData(_ data: ReferenceData, by principal: Principal) async throws
    func referenceData() -> ReferenceData

    // Tickets and workflow
    func submit(_ report: NewTicket, by principal: Principal) async throws -> TicketView
    /// `expectedVersion`: the ledger length the caller saw; checked in the write's own
    /// transaction, so two people acting on the same screen cannot both succeed.
    func perform(_ action: TicketAction, on ticketID: TicketID, note: String?, expectedVersion: Int64?, by principal: Principal) async throws -> TicketView
    func ticket(_ id: TicketID, for principal: Principal) async throws -> TicketDetail
    func list(_ filter: TicketFilter, page: PageRequest, for principal: Principal) async throws -> TicketPage
    func statistics(_ filter: TicketFilter, for principal: Principal) async throws -> TicketStatistics

    // Ledger
    func timeline(_ id: TicketID, for principal: Principal) async throws -> [LedgerEvent]
    func verifyLedger(_ ticketID: TicketID, for principal: Principal) async throws -> LedgerVerification
    func events(after position: Int64, limit: Int, for principal: Principal) async throws -> [LedgerEvent]
    func eventStream(after position: Int64, for principal: Principal, pollInterval: Duration) throws -> LedgerEventStream

    // Attachments (file handling lives in `AttachmentService`)
    func authorizeAttachment(to ticketID: TicketID, by principal: Principal) async throws -> Ticket
    /// `once`: the upload's idempotency key and reply, recorded in the same transaction.
    func recordAttachment(_ info: AttachmentInfo, by principal: Principal, once: IdempotentRecord?) async throws
    /// Records an attachment uploaded without a ticket; a submission by the same user claims it.
    /// Refused (`tooManyUnclaimed`) when `limit` of that user's are already waiting.
    func recordUnclaimedAttachment(_ info: AttachmentInfo, by principal: Principal, once: IdempotentRecord?, limit: Int) async throws
    /// How many of this user's uploads without a ticket are waiting.
    func unclaimedAttachmentCount(by principal: Principal) async throws -> Int
    /// The reply recorded for a call with this idempotency key, if any (see `IdempotencyClaim`).
    func recordedReply(for claim: IdempotencyClaim) async throws -> [UInt8]?
    /// Deletes the records of unclaimed attachments uploaded before `cutoff`; returns their ids.
    func expireUnclaimedAttachments(before cutoff: Date) async throws -> [String]
    func attachment(_ id: String, for principal: Principal) async throws -> AttachmentInfo
    func allAttachmentIDs() async throws -> Set<String>

    // Deadlines (driven by `DeadlineScheduler`)
    func emitDueDeadlineNotices(now: Date, policy: ReminderPolicy, limit: Int) async throws -> [DeadlineNotice]
}

extension TicketStore {
    public func recordAttachment(_ info: AttachmentInfo, by principal: Principal) async throws {
        try await recordAttachment(info, by: principal, once: nil)
    }

    public func recordUnclaimedAttachment(_ info: AttachmentInfo, by principal: Principal) async throws {
        try await recordUnclaimedAttachment(info, by: principal, once: nil, limit: AttachmentLimits.maxPerSubmission)
    }

    /// Tails with the default poll for changes made by other processes.
    public func eventStream(after position: Int64, for principal: Principal) throws -> LedgerEventStream {
        try eventStream(after: position, for: principal, pollInterval: .seconds(1))
    }
}
