import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

/// The statements of `bulkInsert`: many rows each, in a caller's transaction.
enum PostgresBulkRows {
    struct TicketRow {
        var ticket: Ticket
        var nextDeadlineCheck: Date?
        var ledgerLength: Int
        var ledgerHead: String
    }

    struct EventRow {
        var ticketID: TicketID
        var sequence: Int
        var draft: LedgerEntryDraft
        var previousHash: String
        var hash: String
    }

    /// A statement takes at most 65,535 parameters; rows are sent in chunks below that.
    static let maxBinds = 60_000

    /// Adds `count[year]` to each year's counter in one upsert, whose row locks are held to
    /// commit (the same no-gap guarantee as one upsert per ticket); returns each year's first
    /// reserved value. Years in ascending order, so two loaders lock them in the same order.
    static func reserveNumbers(years: [Int], township: String, _ db: PostgresConnection, _ logger: Logger) async throws -> [Int: Int] {
        var counts: [Int: Int64] = [:]
        for year in years { counts[year, default: 0] += 1 }
        let sorted = counts.keys.sorted()
        let rows = try await db.rows("""
            INSERT INTO ticket_number_counter (township, year, last_value)
            SELECT \(township), y, n FROM unnest(\(sorted.map(Int64.init))::bigint[], \(sorted.map { counts[$0]! })::bigint[]) AS r(y, n)
            ON CONFLICT (township, year) DO UPDATE SET last_value = ticket_number_counter.last_value + excluded.last_value
            RETURNING year, last_value
            """, logger)
        var first: [Int: Int] = [:]
        for row in rows {
            let year = Int(row["year"] as Int64)
            first[year] = Int(row["last_value"] as Int64 - counts[year]! + 1)
        }
        return first
    }

    /// Multi-row INSERT of whole tickets (explicit ids, final ledger length and head).
    static func insertTickets(_ rows: [TicketRow], township: String, _ db: PostgresConnection, _ logger: Logger) async throws {
        let columns = ["id"] + PostgresTicketWrites.insertColumns
        for chunk in rows.chunked(maxBinds / columns.count) {
            var sql = BoundSQL()
            let tuples = chunk.map { row in
                let values: [(any DatabaseValueConvertible)?] = [row.ticket.id, township, row.ticket.number]
                    + RowCoding.stateValues(row.ticket, nextDeadlineCheck: row.nextDeadlineCheck) + [Int64(row.ledgerLength), row.ledgerHead]
                let search = "array_to_tsvector(\(sql.bind(strings: PostgresSearch.lexemes(row.ticket.description))))"
                return "(" + (values.map { sql.bind($0) } + [search]).joined(separator: ", ") + ")"
            }
            sql.text = "INSERT INTO ticket (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
            try await db.execute(sql.query, logger)
        }
    }

    static let eventColumns = ["position", "ticket_id", "sequence", "actor_user_id", "actor_role", "occurred_at", "from_status",
                               "to_status", "action", "note", "details", "previous_hash", "hash"]

    /// Locks the global chain's head once, gives the events the next positions in order,
    /// inserts them, then their chain links, the new head and one NOTIFY in one statement.
    static func appendEvents(_ events: [EventRow], _ db: PostgresConnection, _ logger: Logger) async throws {
        guard !events.isEmpty else { return }
        let head = try await db.row("SELECT position, chain_hash FROM ledger_chain_head FOR UPDATE", logger)!
        var position: Int64 = head["position"]
        var chain: String = head["chain_hash"]
        var positions: [Int64] = []
        var links: [String] = []
        positions.reserveCapacity(events.count)
        links.reserveCapacity(events.count)
        for event in events {
            position += 1
            chain = GlobalLedgerChain.link(previous: chain, position: position, eventHash: event.hash)
            positions.append(position)
            links.append(chain)
        }
        var offset = 0
        for chunk in events.chunked(maxBinds / eventColumns.count) {
            var sql = BoundSQL()
            let tuples = chunk.enumerated().map { i, event in
                let d = event.draft
                let values: [(any DatabaseValueConvertible)?] = [
                    positions[offset + i], event.ticketID, Int64(event.sequence), d.actorUserID, d.actorRole,
                    LedgerHasher.milliseconds(d.occurredAt), d.fromStatus?.rawValue, d.toStatus.rawValue, d.action.rawValue, d.note,
                    RowCoding.detailsJSON(d.details), event.previousHash, event.hash,
                ]
                return "(" + values.map { sql.bind($0) }.joined(separator: ", ") + ")"
            }
            sql.text = "INSERT INTO ledger_event (\(eventColumns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
            try await db.execute(sql.query, logger)
            offset += chunk.count
        }
        try await db.execute("""
            WITH links AS (INSERT INTO ledger_chain (position, chain_hash) SELECT * FROM unnest(\(positions)::bigint[], \(links)::text[])),
                head AS (UPDATE ledger_chain_head SET position = \(position), chain_hash = \(chain))
            SELECT pg_notify(\(PostgresTicketStore.ledgerChannel), \(String(position)))
            """, logger)
    }
}

fileprivate extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + Swift.max(1, size), count)] }
    }
}
