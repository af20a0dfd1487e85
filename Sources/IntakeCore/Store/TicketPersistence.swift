import Foundation
import GRDB

/// The writes every path shares (store operations, scheduler, bulk demo load), run inside
/// a caller's write transaction.
public enum TicketPersistence {
    /// Files a new ticket: its number, its row and the first event of its ledger, in the
    /// caller's transaction. Returns the ticket with its id and number, and its first event.
    /// `searchTokens`: the description's search tokens when the caller segmented it before
    /// the transaction (off the writer's critical path), else segmented here.
    static func file(_ draft: Ticket, entry: LedgerEntryDraft, township: String, year: Int, policy: ReminderPolicy,
                     now: Date, searchTokens: String? = nil, chainHead: LedgerChainHead? = nil,
                     db: Database) throws -> (ticket: Ticket, event: LedgerEvent) {
        var ticket = draft
        ticket.number = try allocateNumber(township: township, year: year, db: db)
        ticket.id = try insert(ticket, township: township, nextDeadlineCheck: nextDeadlineCheck(ticket, policy: policy, now: now),
                               searchTokens: searchTokens, db: db)
        // Just inserted with no events: its tip is known, no need to read it back (as PostgresFiling does).
        let event = try appendLedger(ticketID: ticket.id, draft: entry, tip: (0, LedgerHasher.genesisHash), chainHead: chainHead, db: db)
        return (ticket, event)
    }

    /// Next number for the township and year, allocated in the caller's transaction: a
    /// rollback gives the number back, so numbers have no gaps and no duplicates.
    static func allocateNumber(township: String, year: Int, db: Database) throws -> String {
        let value = try Int.fetchOne(db.cachedStatement(sql: """
            INSERT INTO ticket_number_counter (township, year, last_value) VALUES (?, ?, 1)
            ON CONFLICT (township, year) DO UPDATE SET last_value = last_value + 1
            RETURNING last_value
            """), arguments: [township, year])!
        return formatNumber(year: year, value: value)
    }

    public static func formatNumber(year: Int, value: Int) -> String {
        let digits = String(value)
        return "\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static let insertSQL: String = {
        let columns = ["township", "number"] + RowCoding.stateColumns + ["ledger_length", "ledger_head"]
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return "INSERT INTO ticket (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
    }()

    static let updateSQL = "UPDATE ticket SET \(RowCoding.stateColumns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    static func insert(_ ticket: Ticket, township: String, nextDeadlineCheck: Date?, searchTokens: String? = nil, db: Database) throws -> TicketID {
        let values: [(any DatabaseValueConvertible)?] = [township, ticket.number]
            + RowCoding.stateValues(ticket, nextDeadlineCheck: nextDeadlineCheck) + [0, LedgerHasher.genesisHash]
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: StatementArguments(values))
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "INSERT INTO ticket_search (rowid, tokens) VALUES (?, ?)")
            .execute(arguments: [id, searchTokens ?? ChineseSearchTokenizer.indexText(ticket.description)])
        return id
    }

    static func update(_ ticket: Ticket, nextDeadlineCheck: Date?, db: Database) throws {
        let values = RowCoding.stateValues(ticket, nextDeadlineCheck: nextDeadlineCheck) + [ticket.id]
        try db.cachedStatement(sql: updateSQL).execute(arguments: StatementArguments(values))
    }

    /// Appends one event to the ticket's chain and moves the ticket's recorded head. `tip`: the
    /// ticket's ledger length and head when the caller knows them in this transaction, else read.
    /// `chainHead`: the group commit writer's cached head of the global chain (see `LedgerChainHead`).
    static func appendLedger(ticketID: TicketID, draft: LedgerEntryDraft, tip: (length: Int, head: String)? = nil,
                             chainHead: LedgerChainHead? = nil, db: Database) throws -> LedgerEvent {
        let length: Int
        let previous: String
        if let tip {
            (length, previous) = tip
        } else {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT ledger_length, ledger_head FROM ticket WHERE id = ?"),
                                             arguments: [ticketID]) else {
                throw IntakeError.notFound("ticket \(ticketID)")
            }
            (length, previous) = (row["ledger_length"], row["ledger_head"])
        }
        let sequence = length + 1
        let hash = LedgerHasher.hash(ticketID: ticketID, sequence: sequence, draft: draft, previousHash: previous)
        try db.cachedStatement(sql: """
            INSERT INTO ledger_event (ticket_id, sequence, actor_user_id, actor_role, occurred_at, from_status, to_status,
                action, note, details, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                ticketID, sequence, draft.actorUserID, draft.actorRole, RowCoding.millis(draft.occurredAt),
                draft.fromStatus?.rawValue, draft.toStatus.rawValue, draft.action.rawValue, draft.note,
                RowCoding.detailsJSON(draft.details), previous, hash,
            ])
        let position = db.lastInsertedRowID
        try GlobalLedgerChain.append(position: position, eventHash: hash, head: chainHead, db: db)
        try db.cachedStatement(sql: "UPDATE ticket SET ledger_length = ?, ledger_head = ? WHERE id = ?")
            .execute(arguments: [sequence, hash, ticketID])
        return LedgerEvent(position: position, ticketID: ticketID, sequence: sequence, actorUserID: draft.actorUserID,
                           actorRole: draft.actorRole, occurredAt: draft.occurredAt, fromStatus: draft.fromStatus,
                           toStatus: draft.toStatus, action: draft.action, note: draft.note, details: draft.details,
                           previousHash: previous, hash: hash)
    }

    /// When the scheduler must next look at the ticket; nil once its clock stopped.
    public static func nextDeadlineCheck(_ ticket: Ticket, policy: ReminderPolicy, now: Date) -> Date? {
        guard ticket.isAwaitingAnswer, let due = ticket.dueAt else { return nil }
        return policy.schedule(dueAt: due).first { $0.at > now }?.at ?? nil
    }
}
