import Foundation
import GRDB

extension TicketFilter {
    /// True when the filter names only dimensions the statistics cells are keyed by.
    var selectsOnlyCellDimensions: Bool {
        gridIDs.isEmpty && ownerUserID == nil && channels.isEmpty && !onlyOverdue && createdFrom == nil && createdBefore == nil
            && text == nil
    }
}

/// The figures of the selection and of each village, category and department in it, summed
/// from groups of (village, status, category, department); both stores fill it.
public struct FigureSums: Sendable {
    public var overall = TicketFigures()
    public var byStatus: [TicketStatus: Int] = [:]
    public var byCategory: [String: TicketFigures] = [:], byVillage: [String: TicketFigures] = [:], byDepartment: [String: TicketFigures] = [:]
    /// Closed, non-duplicate tickets with a close time: how many the median runs over.
    public var closedTimed = 0

    public init() {}

    /// One group's counts; closed and rejected follow from the status.
    public mutating func add(village: String, status rawStatus: String, category: String, department: String,
                             figures counted: TicketFigures, closedTimed timed: Int) {
        let status = TicketStatus(rawValue: rawStatus)
        let figures = Self.withClosedAndRejected(counted, status)
        closedTimed += timed
        if let status { byStatus[status, default: 0] += figures.total }
        overall.add(figures)
        byVillage[village, default: TicketFigures()].add(figures)
        byCategory[category, default: TicketFigures()].add(figures)
        byDepartment[department, default: TicketFigures()].add(figures)
    }

    /// Closed and rejected follow from the group's status.
    private static func withClosedAndRejected(_ counted: TicketFigures, _ status: TicketStatus?) -> TicketFigures {
        var figures = counted
        if status == .closed { figures.closed = figures.total }
        if status == .rejected { figures.rejected = figures.total }
        return figures
    }

    /// A dimension the figures are summed by.
    public enum Dimension: String, Sendable {
        case village, category, department
    }

    /// One dimension's group with its status, for a store that groups each dimension apart
    /// (PostgreSQL). Every ticket has one village, so the village groups alone carry the
    /// overall figures, the statuses and the closed-and-timed count; each ticket must be
    /// added once per dimension.
    public mutating func add(_ dimension: Dimension, key: String, status rawStatus: String,
                             figures counted: TicketFigures, closedTimed timed: Int) {
        let status = TicketStatus(rawValue: rawStatus)
        let figures = Self.withClosedAndRejected(counted, status)
        switch dimension {
        case .village:
            closedTimed += timed
            if let status { byStatus[status, default: 0] += figures.total }
            overall.add(figures)
            byVillage[key, default: TicketFigures()].add(figures)
        case .category: byCategory[key, default: TicketFigures()].add(figures)
        case .department: byDepartment[key, default: TicketFigures()].add(figures)
        }
    }

    /// Overdue tickets of one (village, category, department).
    public mutating func addOverdue(village: String, category: String, department: String, count n: Int) {
        overall.overdue += n
        byVillage[village, default: TicketFigures()].overdue += n
        byCategory[category, default: TicketFigures()].overdue += n
        byDepartment[department, default: TicketFigures()].overdue += n
    }

    public func statistics(medianTimeToClose: TimeInterval?) -> TicketStatistics {
        TicketStatistics(overall: overall, byStatus: byStatus, byCategory: byCategory, byVillage: byVillage,
                         byDepartment: byDepartment, medianTimeToClose: medianTimeToClose)
    }

    /// A row of (village, status, category, department, counts in `StatisticsCells.counts`
    /// order), by position: name lookups cost more than the sums at 10k rows.
    mutating func add(_ row: RawColumns) {
        let (figures, closedTimed) = Self.counts(row, from: 4)
        func text(_ index: Int32) -> String { String(decoding: row.text(index), as: UTF8.self) }
        add(village: text(0), status: text(1), category: text(2), department: text(3), figures: figures, closedTimed: closedTimed)
    }

    /// The counts of `StatisticsCells.counts`, in that order, from column `first` (a cell's
    /// counts, or their SUMs over a non-empty group: never NULL, and NULL would read as 0).
    static func counts(_ row: RawColumns, from first: Int32) -> (figures: TicketFigures, closedTimed: Int) {
        var figures = TicketFigures()
        figures.total = row.int(first)
        figures.responded = row.int(first + 1)
        figures.fixed = row.int(first + 2)
        figures.withOutcome = row.int(first + 3)
        figures.satisfied = row.int(first + 4)
        figures.followedUp = row.int(first + 5)
        figures.duplicates = row.int(first + 6)
        figures.replied = row.int(first + 7)
        figures.repliedOnTime = row.int(first + 8)
        return (figures, row.int(first + 9))
    }
}

extension TicketFigures {
    public mutating func add(_ other: TicketFigures) {
        total += other.total; closed += other.closed; duplicates += other.duplicates; rejected += other.rejected
        overdue += other.overdue; responded += other.responded; fixed += other.fixed; withOutcome += other.withOutcome
        satisfied += other.satisfied; followedUp += other.followedUp; replied += other.replied; repliedOnTime += other.repliedOnTime
    }
}

extension SQLiteTicketStore {
    public func statistics(_ filter: TicketFilter, for principal: Principal) async throws -> TicketStatistics {
        let scope = try VisibilityScope(for: principal)
        let now = clock.now()
        let condition = try TicketQueryCondition(filter: filter, scope: scope, now: now)
        let fromCells = scope.coveredByStatisticsCells && filter.selectsOnlyCellDimensions
        let median = MedianSource(filter: filter, scope: scope)
        let side = configuration.overdueCountingSide
        return try await pool.read { db in
            var sums = FigureSums()
            if fromCells {
                let running = try Self.sumCells(condition, into: &sums, db: db)
                try OverdueCount(condition: condition, now: now, side: side).add(running: running, into: &sums, db: db)
            } else {
                try Self.sumScan(condition, into: &sums, db: db)
                try Self.addOverdue(condition, now: now, into: &sums, db: db)
            }
            let middle = try median.middle(condition: condition, count: sums.closedTimed, db: db)
            return sums.statistics(medianTimeToClose: middle)
        }
    }

    /// The cells of the selection (a few thousand) in primary-key order, summed in one pass
    /// (`CellPass`).
    static func sumCells(_ condition: TicketQueryCondition, into sums: inout FigureSums, db: Database) throws -> RunningTickets {
        let columns = (StatisticsCells.keyColumns + StatisticsCells.counts("t").map(\.column)).map { "t.\($0)" }.joined(separator: ", ")
        let statement = try condition.statement("""
            SELECT \(columns) FROM ticket_statistics_cell t WHERE \(condition.sql)
            ORDER BY \(StatisticsCells.keyColumns.map { "t.\($0)" }.joined(separator: ", "))
            """, db)
        let rows = try Row.fetchCursor(statement, arguments: condition.arguments)
        let cell = RawColumns(statement)
        var pass = CellPass()
        while try rows.next() != nil { pass.add(cell, to: &sums) }
        pass.finish(into: &sums)
        return pass.running
    }

    /// One pass over the narrow covering index (its column order is the GROUP BY order, so no sort).
    private static func sumScan(_ condition: TicketQueryCondition, into sums: inout FigureSums, db: Database) throws {
        let statement = try condition.statement("""
            SELECT t.village_id, t.status, COALESCE(t.category_id, ''), COALESCE(t.department_id, ''),
                   \(StatisticsCells.counts("t").map { "SUM(\($0.expression))" }.joined(separator: ", "))
            FROM ticket t WHERE \(condition.sql)
            GROUP BY t.village_id, t.status, t.category_id, t.department_id
            """, db)
        let rows = try Row.fetchCursor(statement, arguments: condition.arguments)
        let group = RawColumns(statement)
        while try rows.next() != nil { sums.add(group) }
    }

    /// Overdue figures of a selection the cells do not answer. Overdue depends on the time of
    /// asking, so it cannot be a running total. The partial
    /// index holds only tickets whose clock runs (a few percent) in the GROUP BY's order, so
    /// the groups are counted in one pass with no sort (the due-time-first index needed a
    /// temp B-tree: ~50 ms at 31,784 overdue of 1M tickets, against ~5 ms).
    private static func addOverdue(_ condition: TicketQueryCondition, now: Date, into sums: inout FigureSums, db: Database) throws {
        let overdueRows = try Row.fetchCursor(db, sql: """
            SELECT t.village_id, COALESCE(t.category_id, ''), COALESCE(t.department_id, ''), COUNT(*)
            FROM ticket t INDEXED BY ticket_overdue_by_cell WHERE \(condition.sql)
                AND t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= ?
            GROUP BY t.village_id, t.category_id, t.department_id
            """, arguments: condition.arguments + [RowCoding.millis(now)])
        while let row = try overdueRows.next() {
            sums.addOverdue(village: row[0], category: row[1], department: row[2], count: row[3])
        }
    }
}
