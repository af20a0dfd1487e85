import Foundation
import GRDB

/// The writes every path shares (store operations, scheduler, bulk demo load), run inside
/// a caller's write transaction.
public enum TicketPersistence {
    /// Files a new ticket, its rows prepared before the transaction (`PreparedFiling`): its
    /// number, its row and the first event of its ledger, in the caller's transaction. Returns
    /// the ticket with its id and number, and its first event.
    /// `searchRows`: the group commit's, which inserts the search row after the batch's last
    /// write (`DeferredSearchRows`); without it the row is inserted here.
    static func file(_ prepared: PreparedFiling, chainHead: LedgerChainHead? = nil, searchRows: DeferredSearchRows? = nil,
                     db: Database) throws -> (ticket: Ticket, event: LedgerEvent) {
        var ticket = prepared.draft
        ticket.number = try allocateNumber(township: prepared.township, year: prepared.year, db: db)
        try db.cachedStatement(sql: insertSQL).execute(arguments: [prepared.township, ticket.number] + prepared.stateValues)
        ticket.id = db.lastInsertedRowID
        if let searchRows {
            searchRows.add(ticket.id, tokens: prepared.searchTokens)
        } else {
            try db.cachedStatement(sql: insertSearchSQL).execute(arguments: [ticket.id, prepared.searchTokens])
        }
        // Just inserted with no events: its first event's tip is known (as PostgresFiling does).
        let event = try appendLedger(ticketID: ticket.id, prepared: prepared.firstEvent, chainHead: chainHead, db: db)
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

    static let insertSearchSQL = "INSERT INTO ticket_search (rowid, tokens) VALUES (?, ?)"

    static let updateSQL = "UPDATE ticket SET \(RowCoding.stateColumns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    static func insert(_ ticket: Ticket, township: String, nextDeadlineCheck: Date?, db: Database) throws -> TicketID {
        let values: [(any DatabaseValueConvertible)?] = [township, ticket.number]
            + RowCoding.stateValues(ticket, nextDeadlineCheck: nextDeadlineCheck) + [0, LedgerHasher.genesisHash]
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: StatementArguments(values))
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: insertSearchSQL)
            .execute(arguments: [id, ChineseSearchTokenizer.indexText(ticket.description)])
        return id
    }

    static func update(_ ticket: Ticket, nextDeadlineCheck: Date?, db: Database) throws {
        let values = RowCoding.stateValues(ticket, nextDeadlineCheck: nextDeadlineCheck) + [ticket.id]
        try db.cachedStatement(sql: updateSQL).execute(arguments: StatementArguments(values))
    }

    /// Appends one event to the ticket's chain (its tip read in this transaction) and moves the
    /// ticket's recorded head. `chainHead`: the group commit writer's cached head of the global
    /// chain (see `LedgerChainHead`).
    static func appendLedger(ticketID: TicketID, draft: LedgerEntryDraft, chainHead: LedgerChainHead? = nil,
                             db: Database) throws -> LedgerEvent {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT ledger_length, ledger_head FROM ticket WHERE id = ?"),
                                         arguments: [ticketID]) else {
            throw IntakeError.notFound("ticket \(ticketID)")
        }
        let (length, previous): (Int, String) = (row["ledger_length"], row["ledger_head"])
        return try appendLedger(ticketID: ticketID, prepared: PreparedLedgerEntry(draft, sequence: length + 1, previousHash: previous),
                                chainHead: chainHead, db: db)
    }

    /// The event's columns, those known before its ticket's id first (`PreparedLedgerEntry.values`).
    static let insertEventSQL = """
        INSERT INTO ledger_event (actor_user_id, actor_role, occurred_at, from_status, to_status, action, note, details,
            sequence, previous_hash, ticket_id, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Appends a prepared event to the ticket's chain, links it into the global chain and moves
    /// the ticket's recorded head, in the caller's transaction.
    static func appendLedger(ticketID: TicketID, prepared p: PreparedLedgerEntry, chainHead: LedgerChainHead? = nil,
                             db: Database) throws -> LedgerEvent {
        let hash = p.hash(ticketID: ticketID)
        try db.cachedStatement(sql: insertEventSQL).execute(arguments: p.values + [ticketID, hash])
        let position = db.lastInsertedRowID
        try GlobalLedgerChain.append(position: position, eventHash: hash, head: chainHead, db: db)
        try db.cachedStatement(sql: "UPDATE ticket SET ledger_length = ?, ledger_head = ? WHERE id = ?")
            .execute(arguments: [p.sequence, hash, ticketID])
        let d = p.draft
        return LedgerEvent(position: position, ticketID: ticketID, sequence: p.sequence, actorUserID: d.actorUserID,
                           actorRole: d.actorRole, occurredAt: d.occurredAt, fromStatus: d.fromStatus, toStatus: d.toStatus,
                           action: d.action, note: d.note, details: d.details, previousHash: p.previousHash, hash: hash)
    }

    /// When the scheduler must next look at the ticket; nil once its clock stopped.
    public static func nextDeadlineCheck(_ ticket: Ticket, policy: ReminderPolicy, now: Date) -> Date? {
        guard ticket.isAwaitingAnswer, let due = ticket.dueAt else { return nil }
        return policy.schedule(dueAt: due).first { $0.at > now }?.at ?? nil
    }
}
