import Foundation
import GRDB

extension SQLiteTicketStore {
    /// Emits every deadline notice that has come due by `now`, working only from stored state:
    /// tickets whose `next_deadline_check_at` has passed. Each notice is recorded (notice row +
    /// ledger event + next check time) in the same transaction, so a restart neither loses nor
    /// repeats one. After downtime, only the latest applicable reminder and the highest passed
    /// escalation level go out, not a burst of stale ones.
    /// Works in transactions of at most `limit` tickets until none is due.
    public func emitDueDeadlineNotices(now: Date, policy: ReminderPolicy, limit: Int = 500) async throws -> [DeadlineNotice] {
        var all: [DeadlineNotice] = []
        while true {
            let (notices, ticketCount) = try await emitBatch(now: now, policy: policy, limit: max(1, limit))
            all += notices
            if ticketCount < limit { break }
        }
        if !all.isEmpty { changeSignal.notify() }
        return all
    }

    private func emitBatch(now: Date, policy: ReminderPolicy, limit: Int) async throws -> ([DeadlineNotice], Int) {
        try await pool.write { db -> ([DeadlineNotice], Int) in
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.* FROM ticket t WHERE t.next_deadline_check_at IS NOT NULL AND t.next_deadline_check_at <= ?
                ORDER BY t.next_deadline_check_at LIMIT ?
                """, arguments: [RowCoding.millis(now), limit])
            var out: [DeadlineNotice] = []
            for row in rows {
                var ticket = try RowCoding.ticket(row)
                guard ticket.isAwaitingAnswer, let due = ticket.dueAt else {
                    try TicketPersistence.update(ticket, nextDeadlineCheck: nil, db: db)
                    continue
                }
                let dueMillis = RowCoding.millis(due)
                let emitted = Set(try String.fetchAll(db, sql: "SELECT kind FROM deadline_notice WHERE ticket_id = ? AND due_at = ?",
                                                      arguments: [ticket.id, dueMillis]))
                for kind in policy.noticesDue(dueAt: due, escalationLevel: ticket.escalationLevel, now: now)
                where !emitted.contains(kind.description) {
                    try db.execute(sql: "INSERT INTO deadline_notice (ticket_id, due_at, kind, emitted_at) VALUES (?, ?, ?, ?)",
                                   arguments: [ticket.id, dueMillis, kind.description, RowCoding.millis(now)])
                    let (draft, notice) = DeadlineNotice.record(kind, for: &ticket, dueAt: due, now: now)
                    _ = try TicketPersistence.appendLedger(ticketID: ticket.id, draft: draft, db: db)
                    out.append(notice)
                }
                try TicketPersistence.update(ticket, nextDeadlineCheck: policy.nextCheck(dueAt: due, after: now), db: db)
            }
            return (out, rows.count)
        }
    }
}
