import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

/// `intake migrate`: copies an intake SQLite database (the service stopped) into PostgreSQL —
/// reference data, tickets with their ids and numbers, the whole ledger with its positions,
/// hashes and global chain, checkpoints, attachments' records, idempotency keys and deadline
/// notices — then verifies every chain in the target.
///
/// Re-runnable: tickets resume after the target's highest id, events after its highest
/// position, the rest is ON CONFLICT DO NOTHING. A target holding anything but a prefix of this
/// source (another ledger at the same positions, other tickets) is refused untouched.
public enum SQLiteToPostgres {
    public struct Report: Sendable, Equatable {
        public var tickets = 0
        public var events = 0
        /// False when `eventLimit` stopped the copy early (run again to finish).
        public var complete = false
        public var verification: GlobalChainVerification?
    }

    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    static let batch = 1_000

    /// `eventLimit`: stop after copying that many events (an interruption, for tests and for
    /// copying a large ledger in slices).
    public static func run(from sqlitePath: String, to target: PostgresTicketStore, eventLimit: Int? = nil,
                           progress: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: sqlitePath, configuration: configuration)
        let (client, logger) = (target.client, target.logger)
        var report = Report()
        try await checkTargetIsAPrefix(source, client, logger)

        // Reference data, through the target's own validation.
        let reference = try await source.read { db in try ReferenceDataStorage.load(db) }
        try await target.replaceReferenceData(reference, by: Principal(userID: "intake-migrate", role: .admin))
        progress("reference data: \(reference.villages.count) villages, \(reference.categories.count) categories")

        // Tickets, in id order after the target's highest.
        var afterID = try await client.withConnection { try await $0.scalar(Int64.self, "SELECT COALESCE(MAX(id), 0) FROM ticket", logger) ?? 0 }
        while true {
            let rows = try source.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM ticket WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterID, batch])
            }
            guard let last = rows.last else { break }
            try await PostgresTicketStore.transaction(client, logger) { db in
                for row in rows {
                    let ticket = try RowCoding.ticket(row)
                    _ = try await PostgresTicketWrites.insert(ticket, township: row["township"], nextDeadlineCheck: RowCoding.date(row["next_deadline_check_at"] as Int64?),
                                                              id: ticket.id, ledgerLength: row["ledger_length"], ledgerHead: row["ledger_head"], db, logger)
                }
                try await db.execute("SELECT setval(pg_get_serial_sequence('ticket', 'id'), \(last["id"] as Int64))", logger)
            }
            report.tickets += rows.count
            afterID = last["id"]
            progress("tickets: \(report.tickets) copied (up to id \(afterID))")
        }

        // The ledger, in position order after the target's head, with its global chain.
        var afterPosition = try await client.withConnection { try await $0.scalar(Int64.self, "SELECT position FROM ledger_chain_head", logger) ?? 0 }
        var remaining = eventLimit ?? .max
        while remaining > 0 {
            let count = min(batch, remaining)
            let rows = try source.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT e.*, c.chain_hash FROM ledger_event e JOIN ledger_chain c ON c.position = e.position
                    WHERE e.position > ? ORDER BY e.position LIMIT ?
                    """, arguments: [afterPosition, count])
            }
            guard let last = rows.last else { break }
            try await PostgresTicketStore.transaction(client, logger) { db in
                for row in rows {
                    let event = try RowCoding.ledgerEvent(row)
                    try await db.execute("""
                        INSERT INTO ledger_event (position, ticket_id, sequence, actor_user_id, actor_role, occurred_at, from_status, to_status,
                            action, note, details, previous_hash, hash)
                        VALUES (\(event.position), \(event.ticketID), \(Int64(event.sequence)), \(event.actorUserID), \(event.actorRole),
                            \(LedgerHasher.milliseconds(event.occurredAt)), \(event.fromStatus?.rawValue), \(event.toStatus.rawValue),
                            \(event.action.rawValue), \(event.note), \(row["details"] as String), \(event.previousHash), \(event.hash))
                        """, logger)
                    try await db.execute("INSERT INTO ledger_chain (position, chain_hash) VALUES (\(event.position), \(row["chain_hash"] as String))", logger)
                }
                try await db.execute("UPDATE ledger_chain_head SET position = \(last["position"] as Int64), chain_hash = \(last["chain_hash"] as String)", logger)
            }
            report.events += rows.count
            remaining -= rows.count
            afterPosition = last["position"]
            progress("ledger: \(report.events) events copied (up to position \(afterPosition))")
        }
        let sourceHead = try await source.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(position), 0) FROM ledger_event") ?? 0 }
        guard afterPosition == sourceHead else {
            progress("stopped at position \(afterPosition) of \(sourceHead): run migrate again to continue")
            return report
        }

        try await copyRecords(source, client, logger, progress)
        report.complete = true
        report.verification = try await verify(target, progress)
        return report
    }

    /// The target must be empty or hold what an earlier run of this migration copied.
    private static func checkTargetIsAPrefix(_ source: DatabaseQueue, _ client: PostgresClient, _ logger: Logger) async throws {
        let (head, chainHash, lastTicket) = try await client.withConnection { db -> (Int64, String, (id: Int64, number: String, township: String)?) in
            let head = try await db.row("SELECT position, chain_hash FROM ledger_chain_head", logger)!
            let last = try await db.row("SELECT id, number, township FROM ticket ORDER BY id DESC LIMIT 1", logger)
            return (head["position"], head["chain_hash"], last.map { ($0["id"], $0["number"], $0["township"]) })
        }
        try await source.read { db in
            if head > 0 {
                let sourceHash = try String.fetchOne(db, sql: "SELECT chain_hash FROM ledger_chain WHERE position = ?", arguments: [head])
                guard sourceHash == chainHash else {
                    throw Refused(description: "the target's ledger (head position \(head)) is not this source's: it holds other data; use an empty database")
                }
            }
            if let lastTicket {
                let id = lastTicket.id
                let match = try Row.fetchOne(db, sql: "SELECT number, township FROM ticket WHERE id = ?", arguments: [id])
                guard let match, (match["number"] as String) == lastTicket.number, (match["township"] as String) == lastTicket.township else {
                    throw Refused(description: "the target's ticket \(id) is not this source's: it holds other data; use an empty database")
                }
            }
        }
    }

    /// Everything keyed by its own primary key: copied with ON CONFLICT DO NOTHING.
    private static func copyRecords(_ source: DatabaseQueue, _ client: PostgresClient, _ logger: Logger,
                                    _ progress: @Sendable (String) -> Void) async throws {
        let rows = try source.read { db in
            (counters: try Row.fetchAll(db, sql: "SELECT * FROM ticket_number_counter"),
             checkpoints: try Row.fetchAll(db, sql: "SELECT * FROM ledger_checkpoint ORDER BY id"),
             attachments: try Row.fetchAll(db, sql: "SELECT * FROM attachment"),
             unclaimed: try Row.fetchAll(db, sql: "SELECT * FROM unclaimed_attachment"),
             notices: try Row.fetchAll(db, sql: "SELECT * FROM deadline_notice"),
             requests: try Row.fetchAll(db, sql: "SELECT * FROM submission_request"),
             calls: try Row.fetchAll(db, sql: "SELECT * FROM idempotent_call"))
        }
        try await PostgresTicketStore.transaction(client, logger) { db in
            for r in rows.counters {
                try await db.execute("""
                    INSERT INTO ticket_number_counter (township, year, last_value) VALUES (\(r["township"] as String), \(r["year"] as Int64), \(r["last_value"] as Int64))
                    ON CONFLICT (township, year) DO UPDATE SET last_value = GREATEST(ticket_number_counter.last_value, excluded.last_value)
                    """, logger)
            }
            for r in rows.checkpoints {
                try await db.execute("""
                    INSERT INTO ledger_checkpoint (id, position, chain_hash, created_at, mac)
                    VALUES (\(r["id"] as Int64), \(r["position"] as Int64), \(r["chain_hash"] as String), \(r["created_at"] as Int64), \(r["mac"] as String))
                    ON CONFLICT (id) DO NOTHING
                    """, logger)
            }
            try await db.execute("SELECT setval(pg_get_serial_sequence('ledger_checkpoint', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM ledger_checkpoint), 1))", logger)
            for r in rows.attachments {
                try await db.execute("""
                    INSERT INTO attachment (id, ticket_id, media_type, file_name, size, sha256, uploaded_by, created_at)
                    VALUES (\(r["id"] as String), \(r["ticket_id"] as Int64), \(r["media_type"] as String), \(r["file_name"] as String),
                        \(r["size"] as Int64), \(r["sha256"] as String), \(r["uploaded_by"] as String), \(r["created_at"] as Int64))
                    ON CONFLICT (id) DO NOTHING
                    """, logger)
            }
            for r in rows.unclaimed {
                try await db.execute("""
                    INSERT INTO unclaimed_attachment (id, uploaded_by, uploader_role, media_type, file_name, size, sha256, created_at)
                    VALUES (\(r["id"] as String), \(r["uploaded_by"] as String), \(r["uploader_role"] as String), \(r["media_type"] as String),
                        \(r["file_name"] as String), \(r["size"] as Int64), \(r["sha256"] as String), \(r["created_at"] as Int64))
                    ON CONFLICT (id) DO NOTHING
                    """, logger)
            }
            for r in rows.notices {
                try await db.execute("""
                    INSERT INTO deadline_notice (ticket_id, due_at, kind, emitted_at)
                    VALUES (\(r["ticket_id"] as Int64), \(r["due_at"] as Int64), \(r["kind"] as String), \(r["emitted_at"] as Int64))
                    ON CONFLICT DO NOTHING
                    """, logger)
            }
            for r in rows.requests {
                try await db.execute("""
                    INSERT INTO submission_request (requester, client_request_id, ticket_id)
                    VALUES (\(r["requester"] as String), \(r["client_request_id"] as String), \(r["ticket_id"] as Int64))
                    ON CONFLICT DO NOTHING
                    """, logger)
            }
            for r in rows.calls {
                try await db.execute("""
                    INSERT INTO idempotent_call (scope, method, key, request_digest, reply, completed_at)
                    VALUES (\(r["scope"] as String), \(r["method"] as String), \(r["key"] as String), \(r["request_digest"] as String),
                        \(ByteBuffer(bytes: r["reply"] as Data)), \(r["completed_at"] as Int64))
                    ON CONFLICT DO NOTHING
                    """, logger)
            }
        }
        progress("records: \(rows.counters.count) number counters, \(rows.checkpoints.count) checkpoints, \(rows.attachments.count + rows.unclaimed.count) attachments, "
                 + "\(rows.notices.count) deadline notices, \(rows.requests.count + rows.calls.count) idempotency keys")
    }

    /// Every ticket's chain and the global chain, in the target.
    private static func verify(_ target: PostgresTicketStore, _ progress: @Sendable (String) -> Void) async throws -> GlobalChainVerification {
        let auditor = Principal(userID: "intake-migrate", role: .system)
        var after: TicketID = 0
        var checked = 0
        while true {
            let ids = try await target.ticketIDs(after: after, limit: batch)
            guard let last = ids.last else { break }
            for id in ids {
                let verification = try await target.verifyLedger(id, for: auditor)
                guard verification.isIntact else {
                    throw Refused(description: "ticket \(id)'s chain does not verify in the target: \(verification)")
                }
            }
            checked += ids.count
            after = last
        }
        let global = try await target.verifyGlobalChain()
        progress("verified: \(checked) ticket chains intact; global chain \(global)")
        return global
    }
}
