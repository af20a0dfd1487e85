import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

extension PostgresTicketStore {
    /// As the SQLite store: notices come from stored state (`next_deadline_check_at`), each
    /// recorded with its ledger event and the next check time in one transaction. Rows are
    /// taken FOR UPDATE SKIP LOCKED, so a ticket being acted on is left for the next pass and
    /// two passes on two replicas never emit one notice twice (the notice's primary key would
    /// refuse it anyway).
    ///
    /// Only the replica holding the scheduler lease emits; the others return nothing. The
    /// holder renews the lease at every pass; when it stops (it died, or closed), the lease
    /// runs out after `schedulerLease` and the next pass of another replica takes it over.
    public func emitDueDeadlineNotices(now: Date, policy: ReminderPolicy, limit: Int = 500) async throws -> [DeadlineNotice] {
        guard try await takeSchedulerLease(now: now) else { return [] }
        var all: [DeadlineNotice] = []
        let limit = max(1, limit)
        while true {
            let (notices, ticketCount) = try await emitBatch(now: now, policy: policy, limit: limit)
            all += notices
            if ticketCount < limit { break }
        }
        return all
    }

    /// Takes or renews the lease; true when this replica holds it until now + `schedulerLease`.
    func takeSchedulerLease(now: Date) async throws -> Bool {
        let (holder, logger) = (replicaID, self.logger)
        let nowMillis = LedgerHasher.milliseconds(now)
        let expires = LedgerHasher.milliseconds(now.addingTimeInterval(schedulerLease))
        return try await client.withConnection { db in
            try await db.row("""
                INSERT INTO scheduler_lease (name, holder, expires_at) VALUES ('deadlines', \(holder), \(expires))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE scheduler_lease.holder = excluded.holder OR scheduler_lease.expires_at <= \(nowMillis)
                RETURNING holder
                """, logger) != nil
        }
    }

    private func emitBatch(now: Date, policy: ReminderPolicy, limit: Int) async throws -> ([DeadlineNotice], Int) {
        let logger = self.logger
        let nowMillis = LedgerHasher.milliseconds(now)
        return try await Self.transaction(client, logger) { db -> ([DeadlineNotice], Int) in
            let rows = try await db.rows("""
                SELECT t.* FROM ticket t WHERE t.next_deadline_check_at IS NOT NULL AND t.next_deadline_check_at <= \(nowMillis)
                ORDER BY t.next_deadline_check_at LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
                """, logger)
            var out: [DeadlineNotice] = []
            for row in rows {
                var ticket = try RowCoding.ticket(row)
                guard ticket.isAwaitingAnswer, let due = ticket.dueAt else {
                    try await PostgresTicketWrites.update(ticket, nextDeadlineCheck: nil, db, logger)
                    continue
                }
                let dueMillis = LedgerHasher.milliseconds(due)
                let emitted = Set(try await db.rows("SELECT kind FROM deadline_notice WHERE ticket_id = \(ticket.id) AND due_at = \(dueMillis)", logger)
                    .map { $0["kind"] as String })
                for kind in policy.noticesDue(dueAt: due, escalationLevel: ticket.escalationLevel, now: now) where !emitted.contains(kind.description) {
                    try await db.execute("""
                        INSERT INTO deadline_notice (ticket_id, due_at, kind, emitted_at) VALUES (\(ticket.id), \(dueMillis), \(kind.description), \(nowMillis))
                        """, logger)
                    let (draft, notice) = DeadlineNotice.record(kind, for: &ticket, dueAt: due, now: now)
                    _ = try await PostgresTicketWrites.appendLedger(ticketID: ticket.id, draft: draft, db, logger)
                    out.append(notice)
                }
                try await PostgresTicketWrites.update(ticket, nextDeadlineCheck: policy.nextCheck(dueAt: due, after: now), db, logger)
            }
            return (out, rows.count)
        }
    }
}
