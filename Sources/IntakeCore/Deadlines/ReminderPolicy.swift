import Foundation

/// What the scheduler emits around a due time: reminders (催办) before it, an overdue notice at
/// it, escalations to leaders (督办) after it.
public enum DeadlineNoticeKind: Sendable, Hashable, CustomStringConvertible {
    case reminder(secondsBefore: Int)
    case overdue
    case escalation(level: Int)

    public var description: String {
        switch self {
        case .reminder(let s): "reminder:\(s)"
        case .overdue: "overdue"
        case .escalation(let l): "escalation:\(l)"
        }
    }

    init?(stored: String) {
        if stored == "overdue" { self = .overdue; return }
        let parts = stored.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[1]) else { return nil }
        switch parts[0] {
        case "reminder": self = .reminder(secondsBefore: n)
        case "escalation": self = .escalation(level: n)
        default: return nil
        }
    }
}

public struct ReminderPolicy: Sendable, Hashable {
    /// Reminders go out this long before the due time (seconds), e.g. a day and two hours.
    public var reminderLeadTimes: [Int]
    /// Escalation level i+1 goes to leaders this long after the due time (seconds).
    public var escalationDelays: [Int]
    public init(reminderLeadTimes: [Int] = [24 * 3600, 2 * 3600], escalationDelays: [Int] = [0, 72 * 3600]) {
        self.reminderLeadTimes = reminderLeadTimes.sorted(by: >)
        self.escalationDelays = escalationDelays.sorted()
    }

    /// Every notice for a due time, in time order.
    public func schedule(dueAt: Date) -> [(at: Date, kind: DeadlineNoticeKind)] {
        var items: [(at: Date, kind: DeadlineNoticeKind)] = []
        for lead in reminderLeadTimes {
            items.append((dueAt.addingTimeInterval(-TimeInterval(lead)), .reminder(secondsBefore: lead)))
        }
        items.append((dueAt, .overdue))
        for (i, delay) in escalationDelays.enumerated() {
            items.append((dueAt.addingTimeInterval(TimeInterval(delay)), .escalation(level: i + 1)))
        }
        // Stable: at equal times overdue precedes escalation level 1.
        return items.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// When the scheduler next has to look at a ticket, strictly after `now`; nil when done.
    public func nextCheck(dueAt: Date, after now: Date) -> Date? {
        schedule(dueAt: dueAt).first { $0.at > now }?.at
    }
}

extension ReminderPolicy {
    /// The notices a ticket due at `dueAt` has coming at `now`, whichever store holds it: after
    /// downtime only the latest passed reminder and the highest passed escalation level, not a
    /// burst of stale ones (those already emitted are the store's to skip).
    public func noticesDue(dueAt due: Date, escalationLevel: Int, now: Date) -> [DeadlineNoticeKind] {
        let passed = schedule(dueAt: due).filter { $0.at <= now }
        var kinds: [DeadlineNoticeKind] = []
        if now < due, let latest = passed.last(where: { if case .reminder = $0.kind { true } else { false } }) {
            kinds.append(latest.kind)
        }
        if now >= due { kinds.append(.overdue) }
        if let top = passed.last(where: { if case .escalation = $0.kind { true } else { false } }),
           case .escalation(let level) = top.kind, level > escalationLevel {
            kinds.append(top.kind)
        }
        return kinds
    }
}

extension DeadlineNotice {
    /// The ledger entry and the notice for one emitted `kind`; an escalation raises the ticket's level.
    public static func record(_ kind: DeadlineNoticeKind, for ticket: inout Ticket, dueAt due: Date, now: Date) -> (LedgerEntryDraft, DeadlineNotice) {
        let action: TicketActionName
        switch kind {
        case .reminder: action = .remind
        case .overdue: action = .markOverdue
        case .escalation(let level): action = .escalate; ticket.escalationLevel = level
        }
        let draft = LedgerEntryDraft(actor: .scheduler, occurredAt: now, fromStatus: ticket.status, toStatus: ticket.status,
                                     action: action, note: nil,
                                     details: ["kind": kind.description, "due_at": String(LedgerHasher.milliseconds(due))])
        var isEscalation = false
        if case .escalation = kind { isEscalation = true }
        let notice = DeadlineNotice(ticketID: ticket.id, ticketNumber: ticket.number, kind: kind, dueAt: due, emittedAt: now,
                                    ownerUserID: ticket.ownerUserID, departmentID: ticket.departmentID, notifyLeaders: isEscalation)
        return (draft, notice)
    }
}
