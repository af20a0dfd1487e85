import Foundation
import GRDB

extension SQLiteTicketStore {
    /// Submits once per (principal, `clientRequestID`): a retry returns the ticket the first
    /// attempt created (`replayed` true) instead of filing it twice. The request id is
    /// recorded in the ticket's own transaction, so an acknowledged ticket and its id commit together.
    public func submit(_ report: NewTicket, by principal: Principal, clientRequestID: String) async throws -> (view: TicketView, replayed: Bool) {
        try ClientRequestID.check(clientRequestID)
        let now = clock.now()
        let prepared = try preparedFiling(report, by: principal, at: now)
        let requester = Self.requester(principal)
        let (chainHead, searchRows) = (groupCommit.chainHead, groupCommit.searchRows)
        let (ticket, replayed, attachments) = try await groupCommit.write { db -> (Ticket, Bool, [AttachmentInfo]) in
            if let found = try Self.submitted(requester: requester, clientRequestID: clientRequestID, db: db) {
                let (existing, attachments) = found
                return (existing, true, attachments)
            }
            let (ticket, _, attachments) = try Self.fileSubmission(prepared, attachmentIDs: report.attachmentIDs, by: principal,
                                                                   requester: requester, clientRequestID: clientRequestID,
                                                                   chainHead: chainHead, searchRows: searchRows, db: db)
            return (ticket, false, attachments)
        }
        if !replayed {
            changeSignal.notify()
            submissionLog.filed(ticket, logger: logger)
        }
        return (view(ticket, attachments: attachments, for: principal), replayed)
    }

    static func requester(_ principal: Principal) -> String { "\(principal.role.rawValue):\(principal.userID)" }

    /// The report checked and its rows prepared, in the caller's task (`PreparedFiling`).
    func preparedFiling(_ report: NewTicket, by principal: Principal, at now: Date) throws -> PreparedFiling {
        let (draftTicket, entry) = try workflow.submission(report, by: principal, at: now)
        return PreparedFiling(draftTicket, entry: entry, township: configuration.townshipCode,
                              year: configuration.calendar.localDate(of: now).year, policy: configuration.reminderPolicy, now: now)
    }

    static let submittedTicketSQL = "SELECT ticket_id FROM submission_request WHERE requester = ? AND client_request_id = ?"

    /// The ticket an earlier submission with this request id filed, with its attachments.
    static func submitted(requester: String, clientRequestID: String, db: Database) throws -> (Ticket, [AttachmentInfo])? {
        guard let existing = try TicketID.fetchOne(db.cachedStatement(sql: submittedTicketSQL), arguments: [requester, clientRequestID]) else {
            return nil
        }
        return try submitted(existing, db: db)
    }

    /// The ticket `id`, filed by an earlier submission, with its attachments.
    static func submitted(_ id: TicketID, db: Database) throws -> (Ticket, [AttachmentInfo])? {
        guard let row = try Row.fetchOne(db, sql: "SELECT t.* FROM ticket t WHERE t.id = ?", arguments: [id]) else { return nil }
        return (try RowCoding.ticket(row), try attachments(of: id, db: db))
    }

    /// Files the ticket, claims the attachments it names and records its request id, in the caller's transaction.
    static func fileSubmission(_ prepared: PreparedFiling, attachmentIDs: [String], by principal: Principal, requester: String,
                               clientRequestID: String, chainHead: LedgerChainHead? = nil, searchRows: DeferredSearchRows? = nil,
                               db: Database) throws -> (Ticket, LedgerEvent, [AttachmentInfo]) {
        let (ticket, event) = try TicketPersistence.file(prepared, chainHead: chainHead, searchRows: searchRows, db: db)
        let attachments = try UnclaimedAttachments.claim(attachmentIDs, ticketID: ticket.id, by: principal, db: db)
        try db.cachedStatement(sql: "INSERT INTO submission_request (requester, client_request_id, ticket_id) VALUES (?, ?, ?)")
            .execute(arguments: [requester, clientRequestID, ticket.id])
        return (ticket, event, attachments)
    }

    /// Ids of every ticket, in id order, after `id` (for whole-ledger verification in batches).
    public func ticketIDs(after id: TicketID, limit: Int) async throws -> [TicketID] {
        try await pool.read { db in
            try TicketID.fetchAll(db, sql: "SELECT id FROM ticket WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit])
        }
    }
}

extension SQLiteTicketStore {
    /// The position of the newest ledger event (0 when empty): where a live-only subscription starts.
    public func ledgerHeadPosition() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM ledger_event") ?? 0 }
    }

    /// The id of this township's ticket with this number, if any. Numbers are unique per
    /// township, and naming it lets the lookup search the (township, number) index instead of
    /// scanning every ticket (`ticketNumberLookupSearchesTheUniqueIndex`).
    public func ticketID(number: String) async throws -> TicketID? {
        let township = configuration.townshipCode
        return try await pool.read { db in
            try TicketID.fetchOne(db.cachedStatement(sql: Self.ticketByNumberSQL), arguments: [township, number])
        }
    }

    static let ticketByNumberSQL = "SELECT id FROM ticket WHERE township = ? AND number = ?"
}
