import Foundation
import GRDB

extension SQLiteTicketStore {
    /// Inserts generated tickets with their full ledgers in one transaction, computing the
    /// hash chains in memory. Numbers are allocated in order, so pass tickets oldest first.
    /// For demo and benchmark data only: it trusts the tickets (they came from `TicketWorkflow`).
    public func bulkInsert(_ batch: [GeneratedTicket]) async throws {
        let township = configuration.townshipCode
        let calendar = configuration.calendar
        let policy = configuration.reminderPolicy
        let now = clock.now()
        try await pool.writeWithoutTransaction { db in
            // A large page cache keeps the ten ticket indexes and the FTS segments in memory
            // for the whole batch; the default 2 MiB thrashes at this volume.
            try db.execute(sql: "PRAGMA cache_size = -262144")
            try db.inTransaction {
                try Self.insertBatch(batch, township: township, calendar: calendar, policy: policy, now: now, db: db)
                return .commit
            }
        }
        changeSignal.notify()
    }

    private static func insertBatch(_ batch: [GeneratedTicket], township: String, calendar: WorkingCalendar,
                                    policy: ReminderPolicy, now: Date, db: Database) throws {
            let eventStatement = try db.cachedStatement(sql: """
                INSERT INTO ledger_event (ticket_id, sequence, actor_user_id, actor_role, occurred_at, from_status, to_status,
                    action, note, details, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let headStatement = try db.cachedStatement(sql: "UPDATE ticket SET ledger_length = ?, ledger_head = ? WHERE id = ?")
            // Numbers: read each year's counter once, count in memory, write it back at the end
            // of the same transaction (the same no-gap guarantee as one upsert per ticket).
            var counters: [Int: Int] = [:]
            for generated in batch {
                var ticket = generated.ticket
                let year = calendar.localDate(of: ticket.createdAt).year
                if counters[year] == nil {
                    counters[year] = try Int.fetchOne(db, sql: "SELECT last_value FROM ticket_number_counter WHERE township = ? AND year = ?",
                                                      arguments: [township, year]) ?? 0
                }
                counters[year]! += 1
                ticket.number = TicketPersistence.formatNumber(year: year, value: counters[year]!)
                let id = try TicketPersistence.insert(ticket, township: township,
                                                      nextDeadlineCheck: TicketPersistence.nextDeadlineCheck(ticket, policy: policy, now: now), db: db)
                var previous = LedgerHasher.genesisHash
                for (i, draft) in generated.entries.enumerated() {
                    let hash = LedgerHasher.hash(ticketID: id, sequence: i + 1, draft: draft, previousHash: previous)
                    try eventStatement.execute(arguments: [
                        id, i + 1, draft.actorUserID, draft.actorRole, RowCoding.millis(draft.occurredAt),
                        draft.fromStatus?.rawValue, draft.toStatus.rawValue, draft.action.rawValue, draft.note,
                        RowCoding.detailsJSON(draft.details), previous, hash,
                    ])
                    previous = hash
                }
                try headStatement.execute(arguments: [generated.entries.count, previous, id])
            }
            // Link the batch's events into the global chain, in position order.
            try GlobalLedgerChain.backfill(db)
            for (year, value) in counters {
                try db.execute(sql: """
                    INSERT INTO ticket_number_counter (township, year, last_value) VALUES (?, ?, ?)
                    ON CONFLICT (township, year) DO UPDATE SET last_value = excluded.last_value
                    """, arguments: [township, year, value])
            }
    }
}
