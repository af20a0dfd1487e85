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
    mutating func add(_ row: Row) {
        var figures = TicketFigures()
        figures.total = row[4]
        figures.responded = row[5] ?? 0
        figures.fixed = row[6] ?? 0
        figures.withOutcome = row[7] ?? 0
        figures.satisfied = row[8] ?? 0
        figures.followedUp = row[9] ?? 0
        figures.duplicates = row[10] ?? 0
        figures.replied = row[11] ?? 0
        figures.repliedOnTime = row[12] ?? 0
        add(village: row[0], status: row[1], category: row[2], department: row[3], figures: figures, closedTimed: row[13] ?? 0)
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
        return try await pool.read { db in
            var sums = FigureSums()
            let rows: RowCursor
            let columns = StatisticsCells.counts("t")
            if fromCells {
                // A few thousand cells (village, status, category, department).
                rows = try Row.fetchCursor(db, sql: """
                    SELECT village_id, status, category_id, department_id, \(columns.map(\.column).joined(separator: ", "))
                    FROM ticket_statistics_cell t WHERE \(condition.sql)
                    """, arguments: condition.arguments)
            } else {
                // One pass over the narrow covering index (its column order is the GROUP BY
                // order, so no sort).
                rows = try Row.fetchCursor(db, sql: """
                    SELECT t.village_id, t.status, COALESCE(t.category_id, ''), COALESCE(t.department_id, ''),
                           \(columns.map { "SUM(\($0.expression))" }.joined(separator: ", "))
                    FROM ticket t WHERE \(condition.sql)
                    GROUP BY t.village_id, t.status, t.category_id, t.department_id
                    """, arguments: condition.arguments)
            }
            while let row = try rows.next() { sums.add(row) }
            // Overdue depends on the time of asking, so it cannot be a running total. The
            // partial index holds only tickets whose clock runs (a few percent), so walking it
            // beats the status index SQLite would pick, with or without a filter.
            let overdueRows = try Row.fetchCursor(db, sql: """
                SELECT t.village_id, COALESCE(t.category_id, ''), COALESCE(t.department_id, ''), COUNT(*)
                FROM ticket t INDEXED BY ticket_overdue WHERE \(condition.sql)
                    AND t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= ?
                GROUP BY 1, 2, 3
                """, arguments: condition.arguments + [RowCoding.millis(now)])
            while let row = try overdueRows.next() {
                sums.addOverdue(village: row[0], category: row[1], department: row[2], count: row[3])
            }
            let median = try Self.medianTimeToClose(condition: condition, count: sums.closedTimed, walkIndex: condition.sql == "1", db: db)
            return sums.statistics(medianTimeToClose: median)
        }
    }

    /// The exact median of (closedAt − createdAt) over `count` closed, non-duplicate tickets.
    /// Unfiltered, it reads the one or two middle entries of the duration index; filtered, the
    /// durations of the selection are fetched and sorted here (cheaper than an SQL sort).
    private static func medianTimeToClose(condition: TicketQueryCondition, count: Int, walkIndex: Bool, db: Database) throws -> TimeInterval? {
        guard count > 0 else { return nil }
        let closedTimed = "t.status = 'closed' AND t.closed_at IS NOT NULL AND (t.outcome IS NULL OR t.outcome <> 'duplicate')"
        var middle: [Int64]
        if walkIndex {
            middle = try Int64.fetchAll(db, sql: """
                SELECT t.closed_at - t.created_at FROM ticket t INDEXED BY ticket_close_duration WHERE \(closedTimed)
                ORDER BY t.closed_at - t.created_at LIMIT ? OFFSET ?
                """, arguments: [count % 2 == 1 ? 1 : 2, (count - 1) / 2])
        } else {
            // `+t.status` keeps SQLite on the filter's index rather than the status index.
            var durations = try Int64.fetchAll(db, sql: """
                SELECT t.closed_at - t.created_at FROM ticket t
                WHERE \(condition.sql) AND +\(closedTimed)
                """, arguments: condition.arguments)
            guard !durations.isEmpty else { return nil }
            durations.sort()
            let mid = durations.count / 2
            middle = durations.count % 2 == 1 ? [durations[mid]] : [durations[mid - 1], durations[mid]]
        }
        guard !middle.isEmpty else { return nil }
        return Double(middle.reduce(0, +)) / Double(middle.count) / 1000
    }
}
