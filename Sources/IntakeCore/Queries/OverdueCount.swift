import Foundation
import GRDB

/// The overdue figures of a selection the statistics cells answer, read from the smaller side
/// of the running tickets: the overdue ones themselves, or (when most are overdue, as in an old
/// backlog) the ones not yet due, subtracted from the cells' running counts. Each side is a range
/// of the due-time-first index `ticket_overdue`. Unless a side is forced, the not-yet-due side is
/// tallied first and given up as soon as it passes half the running tickets (the overdue side is
/// then the smaller), so no separate count decides: the rows read stay under the running
/// tickets' number either way. The grouped pass over every running ticket this replaced cost
/// about as much as summing all the cells (perf, 1M tickets).
struct OverdueCount {
    let condition: TicketQueryCondition
    let now: Date
    /// nil: the smaller side (`IntakeConfiguration.overdueCountingSide`).
    let side: OverdueCountingSide?

    private static let running = "t.status IN ('accepted', 'dispatched', 'signed', 'in_progress')"

    /// Adds the overdue figures to `sums`; returns the side they were counted from (nil: no
    /// ticket's clock runs).
    @discardableResult
    func add(running: RunningTickets, into sums: inout FigureSums, db: Database) throws -> OverdueCountingSide? {
        guard running.total > 0 else { return nil }
        let nowMillis = RowCoding.millis(now)
        let overdue: [(range: String, bound: Int64?)] = [("t.due_at <= ?", nowMillis)]
        let notYetDue: [(range: String, bound: Int64?)] = [("t.due_at > ?", nowMillis), ("t.due_at IS NULL", nil)]
        if side != .overdue, let counted = try tally(notYetDue, atMost: side == nil ? running.total / 2 : nil, db: db) {
            add(running, sign: 1, into: &sums)
            add(counted, sign: -1, into: &sums)
            return .notYetDue
        }
        add(try tally(overdue, atMost: nil, db: db)!, sign: 1, into: &sums)
        return .overdue
    }

    /// Running tickets of the selection in `ranges` of the due time, by village, category and
    /// department; nil once more than `limit` are found.
    private func tally(_ ranges: [(range: String, bound: Int64?)], atMost limit: Int?, db: Database) throws -> RunningTickets? {
        var counted = RunningTickets()
        for (range, bound) in ranges {
            let statement = try condition.statement("""
                SELECT t.village_id, COALESCE(t.category_id, ''), COALESCE(t.department_id, '')
                FROM ticket t INDEXED BY ticket_overdue WHERE \(condition.sql) AND \(Self.running) AND \(range)
                """, db)
            let rows = try Row.fetchCursor(statement, arguments: condition.arguments + StatementArguments(bound.map { [$0] } ?? []))
            let ticket = RawColumns(statement)
            while try rows.next() != nil {
                counted.add(village: ticket.text(0), category: ticket.text(1), department: ticket.text(2), count: 1)
                if let limit, counted.total > limit { return nil }
            }
        }
        return counted
    }

    private func add(_ counts: RunningTickets, sign: Int, into sums: inout FigureSums) {
        sums.overall.overdue += sign * counts.total
        for (key, n) in counts.byVillage.entries { sums.byVillage[key, default: TicketFigures()].overdue += sign * n }
        for (key, n) in counts.byCategory.entries { sums.byCategory[key, default: TicketFigures()].overdue += sign * n }
        for (key, n) in counts.byDepartment.entries { sums.byDepartment[key, default: TicketFigures()].overdue += sign * n }
    }
}
