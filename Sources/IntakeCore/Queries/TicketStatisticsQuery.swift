import Foundation
import GRDB

extension TicketFilter {
    /// True when the filter names only dimensions the statistics cells are keyed by.
    var selectsOnlyCellDimensions: Bool {
        gridIDs.isEmpty && ownerUserID == nil && channels.isEmpty && !onlyOverdue && createdFrom == nil && createdBefore == nil
            && text == nil
    }
}

/// Sums of the per-ticket figures over the selected tickets (or cells).
private struct FigureSums {
    var total = 0, responded = 0, fixed = 0, withOutcome = 0, satisfied = 0, followedUp = 0, closedTimed = 0
    var byStatus: [TicketStatus: Int] = [:]
    var byCategory: [String: Int] = [:], byVillage: [String: Int] = [:], byDepartment: [String: Int] = [:]

    /// Columns by position (village, status, category, department, then the counts in
    /// `StatisticsCells.counts` order): name lookups cost more than the sums at 10k rows.
    mutating func add(_ row: Row) {
        let n: Int = row[4]
        total += n
        if let status = TicketStatus(rawValue: row[1]) { byStatus[status, default: 0] += n }
        byVillage[row[0], default: 0] += n
        byCategory[row[2], default: 0] += n
        byDepartment[row[3], default: 0] += n
        responded += row[5] ?? 0
        fixed += row[6] ?? 0
        withOutcome += row[7] ?? 0
        satisfied += row[8] ?? 0
        followedUp += row[9] ?? 0
        closedTimed += row[10] ?? 0
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
            let overdue = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM ticket t INDEXED BY ticket_overdue WHERE \(condition.sql)
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
