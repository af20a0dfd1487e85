import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

/// The writes every path shares, inside a caller's transaction. Lock order, always: the
/// ticket row or the number counter first, the global chain's head last, so two replicas
/// never wait for each other in a cycle.
enum PostgresTicketWrites {
    static let insertColumns = ["township", "number"] + RowCoding.stateColumns + ["ledger_length", "ledger_head", "search"]

    static func insert(_ ticket: Ticket, township: String, nextDeadlineCheck: Date?, id: TicketID? = nil,
                       ledgerLength: Int64 = 0, ledgerHead: String = LedgerHasher.genesisHash,
                       _ db: PostgresConnection, _ logger: Logger) async throws -> TicketID {
        var sql = BoundSQL()
        let values: [(any DatabaseValueConvertible)?] = [township, ticket.number]
            + RowCoding.stateValues(ticket, nextDeadlineCheck: nextDeadlineCheck) + [ledgerLength, ledgerHead]
        var placeholders = values.map { sql.bind($0) }
        placeholders.append("array_to_tsvector(\(sql.bind(strings: PostgresSearch.lexemes(ticket.description))))")
        var columns = insertColumns
        if let id {
            columns.insert("id", at: 0)
            placeholders.insert(sql.bind(id), at: 0)
        }
        sql.text = "INSERT INTO ticket (\(columns.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) RETURNING id"
        return try await db.scalar(Int64.self, sql.query, logger)!
    }

    static func update(_ ticket: Ticket, nextDeadlineCheck: Date?, _ db: PostgresConnection, _ logger: Logger) async throws {
        var sql = BoundSQL()
        let values = RowCoding.stateValues(ticket, nextDeadlineCheck: nextDeadlineCheck)
        let sets = zip(RowCoding.stateColumns, values).map { "\($0.0) = \(sql.bind($0.1))" }
        sql.text = "UPDATE ticket SET \(sets.joined(separator: ", ")) WHERE id = \(sql.bind(ticket.id))"
        try await db.execute(sql.query, logger)
    }

    /// Appends one event to the ticket's chain and to the global chain. The ticket's row is
    /// locked (FOR UPDATE) by the caller or here; `tip` is its chain's length and head when the
    /// caller already holds them. Everything but the global position is computed before the
    /// head row is locked; under that lock run two statements (the lock, then one that links
    /// the event, moves the head, stores the event, moves the ticket's tip and NOTIFYs), then
    /// the commit: every writer of every replica queues on that lock.
    static func appendLedger(ticketID: TicketID, draft: LedgerEntryDraft, tip: (length: Int, head: String)? = nil,
                             _ db: PostgresConnection, _ logger: Logger) async throws -> LedgerEvent {
        let (length, previous) = try await chainTip(tip, ticketID, db, logger)
        let sequence = length + 1
        let hash = LedgerHasher.hash(ticketID: ticketID, sequence: sequence, draft: draft, previousHash: previous)
        let details = RowCoding.detailsJSON(draft.details)
        let head = try await db.row("SELECT position, chain_hash FROM ledger_chain_head FOR UPDATE", logger)!
        let position: Int64 = (head["position"] as Int64) + 1
        let chained = GlobalLedgerChain.link(previous: head["chain_hash"], position: position, eventHash: hash)
        // NOTIFY is delivered at commit, and not at all on rollback.
        try await db.execute("""
            WITH link AS (INSERT INTO ledger_chain (position, chain_hash) VALUES (\(position), \(chained))),
                moved AS (UPDATE ledger_chain_head SET position = \(position), chain_hash = \(chained)),
                event AS (INSERT INTO ledger_event (position, ticket_id, sequence, actor_user_id, actor_role, occurred_at, from_status,
                    to_status, action, note, details, previous_hash, hash)
                    VALUES (\(position), \(ticketID), \(Int64(sequence)), \(draft.actorUserID), \(draft.actorRole),
                        \(LedgerHasher.milliseconds(draft.occurredAt)), \(draft.fromStatus?.rawValue), \(draft.toStatus.rawValue),
                        \(draft.action.rawValue), \(draft.note), \(details), \(previous), \(hash))),
                tip AS (UPDATE ticket SET ledger_length = \(Int64(sequence)), ledger_head = \(hash) WHERE id = \(ticketID))
            SELECT pg_notify(\(PostgresTicketStore.ledgerChannel), \(String(position)))
            """, logger)
        return LedgerEvent(position: position, ticketID: ticketID, sequence: sequence, actorUserID: draft.actorUserID,
                           actorRole: draft.actorRole, occurredAt: draft.occurredAt, fromStatus: draft.fromStatus,
                           toStatus: draft.toStatus, action: draft.action, note: draft.note, details: draft.details,
                           previousHash: previous, hash: hash)
    }

    /// The ticket's chain length and head: given, or read with its row locked.
    private static func chainTip(_ known: (length: Int, head: String)?, _ ticketID: TicketID,
                                 _ db: PostgresConnection, _ logger: Logger) async throws -> (Int, String) {
        if let known { return known }
        guard let row = try await db.row("SELECT ledger_length, ledger_head FROM ticket WHERE id = \(ticketID) FOR UPDATE", logger) else {
            throw IntakeError.notFound("ticket \(ticketID)")
        }
        return (row["ledger_length"], row["ledger_head"])
    }

    /// Loads a ticket through the principal's visibility, locking its row when `forUpdate`.
    static func loadVisibleTicket(_ id: TicketID, scope: VisibilityScope, forUpdate: Bool = false,
                                  _ db: PostgresConnection, _ logger: Logger) async throws -> Ticket {
        try RowCoding.ticket(try await loadVisibleRow(id, scope: scope, forUpdate: forUpdate, db, logger))
    }

    /// The ticket's whole row (with its chain tip, `ledger_length` and `ledger_head`).
    static func loadVisibleRow(_ id: TicketID, scope: VisibilityScope, forUpdate: Bool = false,
                               _ db: PostgresConnection, _ logger: Logger) async throws -> Row {
        var sql = BoundSQL("SELECT t.* FROM ticket t WHERE t.id = ")
        sql.text += sql.bind(id)
        if scope.condition != "1" {
            sql.text += " AND "
            sql.append(questionMarks: scope.condition, scope.arguments)
        }
        if forUpdate { sql.text += " FOR UPDATE OF t" }
        if let row = try await db.row(sql.query, logger) { return row }
        if try await db.row("SELECT 1 AS found FROM ticket WHERE id = \(id)", logger) != nil {
            throw IntakeError.permissionDenied("ticket \(id) is outside what you may see: \(scope.explanation)")
        }
        throw IntakeError.notFound("ticket \(id)")
    }

    static func attachments(of ticketID: TicketID, _ db: PostgresConnection, _ logger: Logger) async throws -> [AttachmentInfo] {
        try await db.rows("SELECT * FROM attachment WHERE ticket_id = \(ticketID) ORDER BY created_at, id", logger).map(RowCoding.attachment)
    }

    static func ledger(of id: TicketID, _ db: PostgresConnection, _ logger: Logger) async throws -> [LedgerEvent] {
        try await db.rows("SELECT * FROM ledger_event WHERE ticket_id = \(id) ORDER BY sequence, position", logger).map(RowCoding.ledgerEvent)
    }
}
