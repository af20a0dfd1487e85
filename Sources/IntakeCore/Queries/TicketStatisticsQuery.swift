import Foundation
import GRDB

extension TicketFilter {
    /// True when the filter names only dimensions the statistics cells are keyed by.
    var selectsOnlyCellDimensions: Bool {
        ownerUserID == nil && channels.isEmpty && !onlyOverdue && createdFrom == nil && createdBefore == nil && text == nil
    }
}

/// Sums of the per-ticket figures over the selected tickets (or cells).
private struct FigureSums {
    var total = 0, responded = 0, fixed = 0, withOutcome = 0, satisfied = 0, followedUp = 0, closedTimed = 0
    var byStatus: [TicketStatus: Int] = [:]
    var byCategory: [String: Int] = [:], byVillage: [String: Int] = [:], byDepartment: [String: Int] = [:]

    mutating func add(_ row: Row) {
        let n: Int = row["n"]
        total += n
        if let status = TicketStatus(rawValue: row["status"]) { byStatus[status, default: 0] += n }
        byVillage[row["village_id"], default: 0] += n
        byCategory[row["category_id"], default: 0] += n
        byDepartment[row["department_id"], default: 0] += n
        responded += row["responded"] ?? 0
        fixed += row["fixed"] ?? 0
        withOutcome += row["with_outcome"] ?? 0
        satisfied += row["satisfied"] ?? 0
        followedUp += row["followed_up"] ?? 0
        closedTimed += row["closed_timed"] ?? 0
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
            if fromCells {
                // Cells are (village, grid, status, category, department): a few thousand rows.
                rows = try Row.fetchCursor(db, sql: """
                    SELECT * FROM ticket_statistics_cell t WHERE \(condition.sql)
                    """, arguments: condition.arguments)
            } else {
                // One pass over the narrow covering index (its column order is the GROUP BY
                // order, so no sort).
                let counts = StatisticsCells.counts("t").map { "SUM(\($0.expression)) AS \($0.column)" }.joined(separator: ", ")
                rows = try Row.fetchCursor(db, sql: """
                    SELECT t.village_id AS village_id, t.status AS status, COALESCE(t.category_id, '') AS category_id,
                           COALESCE(t.department_id, '') AS department_id, \(counts)
                    FROM ticket t WHERE \(condition.sql)
                    GROUP BY t.village_id, t.status, t.category_id, t.department_id
                    """, arguments: condition.arguments)
            }
            while let row = try rows.next() { sums.add(row) }
            // Overdue depends on the time of asking, so it cannot be a running total; the
            // partial index holds only tickets whose clock runs.
            let overdue = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM ticket t WHERE \(condition.sql)
                    AND t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= ?
                """, arguments: condition.arguments + [RowCoding.millis(now)]) ?? 0
            let median = try Self.medianTimeToClose(condition: condition, count: sums.closedTimed, walkIndex: condition.sql == "1", db: db)
            func rate(_ n: Int, _ d: Int) -> Double? { d == 0 ? nil : Double(n) / Double(d) }
            return TicketStatistics(
                total: sums.total, byStatus: sums.byStatus, byCategory: sums.byCategory, byVillage: sums.byVillage,
                byDepartment: sums.byDepartment, responseRate: rate(sums.responded, sums.total),
                resolutionRate: rate(sums.fixed, sums.withOutcome), satisfactionRate: rate(sums.satisfied, sums.followedUp),
                overdueCount: overdue, medianTimeToClose: median)
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
