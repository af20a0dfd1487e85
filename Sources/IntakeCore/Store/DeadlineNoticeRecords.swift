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
                let passed = policy.schedule(dueAt: due).filter { $0.at <= now }
                var kinds: [DeadlineNoticeKind] = []
                if now < due, let latest = passed.last(where: { if case .reminder = $0.kind { true } else { false } }) {
                    kinds.append(latest.kind)
                }
                if now >= due { kinds.append(.overdue) }
                if let top = passed.last(where: { if case .escalation = $0.kind { true } else { false } }),
                   case .escalation(let level) = top.kind, level > ticket.escalationLevel {
                    kinds.append(top.kind)
                }
                for kind in kinds where !emitted.contains(kind.description) {
                    try db.execute(sql: "INSERT INTO deadline_notice (ticket_id, due_at, kind, emitted_at) VALUES (?, ?, ?, ?)",
                                   arguments: [ticket.id, dueMillis, kind.description, RowCoding.millis(now)])
                    let action: TicketActionName
                    switch kind {
                    case .reminder: action = .remind
                    case .overdue: action = .markOverdue
                    case .escalation(let level): action = .escalate; ticket.escalationLevel = level
                    }
                    let draft = LedgerEntryDraft(actor: .scheduler, occurredAt: now, fromStatus: ticket.status, toStatus: ticket.status,
                                                 action: action, note: nil,
                                                 details: ["kind": kind.description, "due_at": String(dueMillis)])
                    _ = try TicketPersistence.appendLedger(ticketID: ticket.id, draft: draft, db: db)
                    var isEscalation = false
                    if case .escalation = kind { isEscalation = true }
                    out.append(DeadlineNotice(ticketID: ticket.id, ticketNumber: ticket.number, kind: kind, dueAt: due, emittedAt: now,
                                              ownerUserID: ticket.ownerUserID, departmentID: ticket.departmentID, notifyLeaders: isEscalation))
                }
                try TicketPersistence.update(ticket, nextDeadlineCheck: policy.nextCheck(dueAt: due, after: now), db: db)
            }
            return (out, rows.count)
        }
    }
}
