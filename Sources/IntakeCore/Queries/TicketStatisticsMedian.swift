import Foundation
import GRDB

/// Where the exact median time to close of a selection is read from (SQLite), so that the
/// cockpit's selections cost a short walk whatever the number of tickets:
/// - everything: the histogram (`CloseDurationHistogram`) names the hour of the middle ticket,
///   then `ticket_close_duration` is walked from that hour's start;
/// - exactly one department (department staff's cockpit, a leader's drill-down) or one village:
///   the middle of that key's range of a duration index led by it;
/// - anything else: the selection's durations, fetched and sorted here (cheaper than an SQL sort).
enum MedianSource {
    case histogram
    case keyedIndex(index: String, column: String, key: String)
    case sortedSelection

    init(filter: TicketFilter, scope: VisibilityScope) {
        if scope.condition == "1" {
            if filter == TicketFilter() {
                self = .histogram
            } else if filter == TicketFilter(departmentIDs: filter.departmentIDs), let only = filter.departmentIDs.first,
                      filter.departmentIDs.count == 1 {
                self = .keyedIndex(index: "ticket_close_duration_by_department", column: "department_id", key: only)
            } else if filter == TicketFilter(villageIDs: filter.villageIDs), let only = filter.villageIDs.first, filter.villageIDs.count == 1 {
                self = .keyedIndex(index: "ticket_close_duration_by_village", column: "village_id", key: only)
            } else {
                self = .sortedSelection
            }
        } else if let department = scope.onlyDepartment, filter == TicketFilter() {
            self = .keyedIndex(index: "ticket_close_duration_by_department", column: "department_id", key: department)
        } else {
            self = .sortedSelection
        }
    }

    private static let closedTimed = CloseDurationHistogram.closedTimed("t")
    private static let duration = "t.closed_at - t.created_at"

    /// The median in seconds over the `count` closed, non-duplicate tickets of the selection
    /// (`condition`); even counts average the two middle values. Nil when there are none.
    func middle(condition: TicketQueryCondition, count: Int, db: Database) throws -> TimeInterval? {
        guard count > 0 else { return nil }
        let rank = (count - 1) / 2
        let wanted = count % 2 == 1 ? 1 : 2
        let middle: [Int64]
        switch self {
        case .histogram:
            middle = try Self.fromHistogram(rank: rank, wanted: wanted, db: db)
        case .keyedIndex(let index, let column, let key):
            middle = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.duration) FROM ticket t INDEXED BY \(index) WHERE t.\(column) = ? AND \(Self.closedTimed)
                ORDER BY \(Self.duration) LIMIT ? OFFSET ?
                """), arguments: [key, wanted, rank])
        case .sortedSelection:
            // `+t.status` keeps SQLite on the filter's index rather than the status index.
            var durations = try Int64.fetchAll(condition.statement("""
                SELECT \(Self.duration) FROM ticket t WHERE \(condition.sql) AND +\(Self.closedTimed)
                """, db), arguments: condition.arguments)
            durations.sort()
            let mid = durations.count / 2
            middle = durations.isEmpty ? [] : durations.count % 2 == 1 ? [durations[mid]] : [durations[mid - 1], durations[mid]]
        }
        guard !middle.isEmpty else { return nil }
        return Double(middle.reduce(0, +)) / Double(middle.count) / 1000
    }

    /// The `wanted` durations from the `rank`-th (0-based) on: the histogram's running count
    /// finds the bucket holding that rank, the index is walked from the bucket's first duration.
    private static func fromHistogram(rank: Int, wanted: Int, db: Database) throws -> [Int64] {
        let buckets = try Row.fetchCursor(db.cachedStatement(sql: "SELECT bucket, n FROM ticket_close_duration_histogram ORDER BY bucket"))
        var before = 0
        while let row = try buckets.next() {
            let n: Int = row[1]
            if before + n > rank {
                let bucket: Int64 = row[0]
                return try Int64.fetchAll(db.cachedStatement(sql: """
                    SELECT \(duration) FROM ticket t INDEXED BY ticket_close_duration WHERE \(closedTimed) AND \(duration) >= ?
                    ORDER BY \(duration) LIMIT ? OFFSET ?
                    """), arguments: [bucket * CloseDurationHistogram.bucketMillis, wanted, rank - before])
            }
            before += n
        }
        return []
    }
}

extension VisibilityScope {
    /// The department of a scope that is exactly "dispatched to this department" (department staff).
    var onlyDepartment: String? {
        condition == "t.department_id = ?" && arguments.count == 1 ? arguments[0] : nil
    }
}
