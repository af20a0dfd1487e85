import Foundation
import GRDB

/// The overdue figures of a selection the statistics cells answer, read from the smaller side
/// of the running tickets: the overdue ones themselves, or (when most are overdue, as in an old
/// backlog) the ones not yet due, subtracted from the cells' running counts. Each side is a range
/// of the due-time-first index `ticket_overdue`; the overdue range is counted first (a step per
/// entry, no grouping), then only the smaller side's rows are tallied here. The grouped pass over
/// every running ticket it replaces cost about as much as summing all the cells (perf, 1M tickets).
struct OverdueCount {
    let condition: TicketQueryCondition
    let now: Date
    /// nil: the smaller side (`IntakeConfiguration.overdueCountingSide`).
    let side: OverdueCountingSide?

    private static let running = "t.status IN ('accepted', 'dispatched', 'signed', 'in_progress')"

    func add(running: RunningTickets, into sums: inout FigureSums, db: Database) throws {
        let nowMillis = RowCoding.millis(now)
        let overdueRange = "t.due_at <= ?"
        let chosen: OverdueCountingSide
        if let side {
            chosen = side
        } else {
            let overdue = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM ticket t INDEXED BY ticket_overdue WHERE \(condition.sql) AND \(Self.running) AND \(overdueRange)
                """, arguments: condition.arguments + [nowMillis]) ?? 0
            if overdue == 0 { return }
            chosen = overdue * 2 <= running.total ? .overdue : .notYetDue
        }
        var counted = RunningTickets()
        switch chosen {
        case .overdue:
            try tally(range: overdueRange, nowMillis, into: &counted, db: db)
            add(counted, sign: 1, into: &sums)
        case .notYetDue:
            try tally(range: "t.due_at > ?", nowMillis, into: &counted, db: db)
            try tally(range: "t.due_at IS NULL", nil, into: &counted, db: db)
            add(running, sign: 1, into: &sums)
            add(counted, sign: -1, into: &sums)
        }
    }

    /// Running tickets of the selection in `range` of the due time, by village, category and department.
    private func tally(range: String, _ bound: Int64?, into counted: inout RunningTickets, db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT t.village_id, COALESCE(t.category_id, ''), COALESCE(t.department_id, '')
            FROM ticket t INDEXED BY ticket_overdue WHERE \(condition.sql) AND \(Self.running) AND \(range)
            """, arguments: condition.arguments + StatementArguments(bound.map { [$0] } ?? []))
        while let row = try rows.next() {
            counted.add(village: row[0], category: row[1], department: row[2], count: 1)
        }
    }

    private func add(_ counts: RunningTickets, sign: Int, into sums: inout FigureSums) {
        sums.overall.overdue += sign * counts.total
        for (key, n) in counts.byVillage { sums.byVillage[key, default: TicketFigures()].overdue += sign * n }
        for (key, n) in counts.byCategory { sums.byCategory[key, default: TicketFigures()].overdue += sign * n }
        for (key, n) in counts.byDepartment { sums.byDepartment[key, default: TicketFigures()].overdue += sign * n }
    }
}
