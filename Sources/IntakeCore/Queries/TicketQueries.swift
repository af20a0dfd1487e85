import Foundation
import GRDB

/// WHERE clause over `ticket t` for a filter plus the caller's visibility.
struct TicketQueryCondition {
    var clauses: [String] = []
    var arguments = StatementArguments()

    /// The FTS5 expression of the filter's text, if any (for `list` to size the match first).
    var textMatch: String?

    /// `commonText`: the text matches many tickets, so walk the ordering index and probe the
    /// match set (`+t.id` keeps SQLite from driving the query by thousands of rowid lookups
    /// and a sort); rare text drives from the match set instead.
    init(filter: TicketFilter, scope: VisibilityScope, now: Date, commonText: Bool = false) throws {
        if scope.condition != "1" { add(scope.condition, scope.statementArguments) }
        func inList<T>(_ column: String, _ values: Set<T>, _ raw: (T) -> String) {
            guard !values.isEmpty else { return }
            let sorted = values.map(raw).sorted()
            add("\(column) IN (\(Array(repeating: "?", count: sorted.count).joined(separator: ", ")))", StatementArguments(sorted))
        }
        inList("t.status", filter.statuses) { $0.rawValue }
        inList("t.village_id", filter.villageIDs) { $0 }
        inList("t.grid_id", filter.gridIDs) { $0 }
        inList("t.category_id", filter.categoryIDs) { $0 }
        inList("t.department_id", filter.departmentIDs) { $0 }
        inList("t.channel", filter.channels) { $0.rawValue }
        if let owner = filter.ownerUserID { add("t.owner_user_id = ?", [owner]) }
        if filter.onlyOverdue {
            add("t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= ?", [RowCoding.millis(now)])
        }
        if let from = filter.createdFrom { add("t.created_at >= ?", [RowCoding.millis(from)]) }
        if let before = filter.createdBefore { add("t.created_at < ?", [RowCoding.millis(before)]) }
        if let text = filter.text {
            guard text.count <= 200 else { throw IntakeError.invalidInput("search text exceeds 200 characters") }
            guard let q = ChineseSearchTokenizer.query(text) else { throw IntakeError.invalidInput("search text has nothing to search for") }
            textMatch = q.match
            add("\(commonText ? "+t.id" : "t.id") IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)", [q.match])
            // The index matches bigrams anywhere; each term must also occur as written.
            for term in q.terms { add("instr(lower(t.description), ?) > 0", [term]) }
        }
    }

    mutating func add(_ clause: String, _ args: StatementArguments) {
        clauses.append(clause)
        arguments += args
    }

    var sql: String { clauses.isEmpty ? "1" : clauses.joined(separator: " AND ") }
}

extension SQLiteTicketStore {
    public func ticket(_ id: TicketID, for principal: Principal) async throws -> TicketDetail {
        let scope = try VisibilityScope(for: principal)
        let (ticket, attachments, timeline) = try await pool.read { db in
            let ticket = try Self.loadVisibleTicket(id, scope: scope, db: db)
            return (ticket, try Self.attachments(of: id, db: db), try Self.ledger(of: id, db: db))
        }
        return TicketDetail(view: view(ticket, attachments: attachments, for: principal), timeline: timeline)
    }

    public func list(_ filter: TicketFilter, page: PageRequest, for principal: Principal) async throws -> TicketPage {
        let scope = try VisibilityScope(for: principal)
        guard (1...PageRequest.maxLimit).contains(page.limit) else {
            throw IntakeError.invalidInput("page limit must be 1...\(PageRequest.maxLimit), got \(page.limit)")
        }
        let now = clock.now()
        var rare = try TicketQueryCondition(filter: filter, scope: scope, now: now)
        var common = try TicketQueryCondition(filter: filter, scope: scope, now: now, commonText: true)
        if let text = page.cursor {
            let cursor = try PageCursor(decoding: text)
            for i in 0..<2 {
                let after: (String, StatementArguments) = ("(t.created_at < ? OR (t.created_at = ? AND t.id < ?))",
                                                           [cursor.createdAtMillis, cursor.createdAtMillis, cursor.id])
                if i == 0 { rare.add(after.0, after.1) } else { common.add(after.0, after.1) }
            }
        }
        let limit = page.limit
        let (rareQuery, commonQuery) = (rare, common)
        let threshold = configuration.commonSearchThreshold
        let (tickets, hasMore) = try await pool.read { db -> ([Ticket], Bool) in
            var query = rareQuery
            if let match = rareQuery.textMatch {
                let matches = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM ticket_search WHERE ticket_search MATCH ? LIMIT ?)",
                                               arguments: [match, threshold + 1]) ?? 0
                if matches > threshold { query = commonQuery }
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.* FROM ticket t WHERE \(query.sql) ORDER BY t.created_at DESC, t.id DESC LIMIT ?
                """, arguments: query.arguments + [limit + 1])
            let tickets = try rows.prefix(limit).map(RowCoding.ticket)
            return (tickets, rows.count > limit)
        }
        let next = hasMore ? tickets.last.map { PageCursor(createdAtMillis: RowCoding.millis($0.createdAt), id: $0.id).encoded } : nil
        return TicketPage(items: tickets.map { view($0, attachments: [], for: principal) }, nextCursor: next)
    }

    public func statistics(_ filter: TicketFilter, for principal: Principal) async throws -> TicketStatistics {
        let scope = try VisibilityScope(for: principal)
        let now = clock.now()
        let condition = try TicketQueryCondition(filter: filter, scope: scope, now: now)
        return try await pool.read { db in
            let whereSQL = condition.sql
            let args = condition.arguments
            // One pass over the narrow covering index (its column order is the GROUP BY order,
            // so no sort), then the dimensions are summed here.
            var byStatus: [TicketStatus: Int] = [:]
            var byCategory: [String: Int] = [:], byVillage: [String: Int] = [:], byDepartment: [String: Int] = [:]
            var total = 0, responded = 0, fixed = 0, withOutcome = 0, satisfied = 0, followedUp = 0, overdue = 0
            let rows = try Row.fetchCursor(db, sql: """
                SELECT t.village_id AS v, t.status AS s, COALESCE(t.category_id, '') AS c, COALESCE(t.department_id, '') AS d,
                       COUNT(*) AS n, COUNT(t.responded_at) AS responded,
                       SUM(t.outcome = 'fixed') AS fixed,
                       SUM(t.outcome IS NOT NULL AND t.outcome <> 'duplicate') AS with_outcome,
                       SUM(t.satisfied = 1) AS satisfied, COUNT(t.satisfied) AS followed_up,
                       SUM(t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= ?) AS overdue
                FROM ticket t WHERE \(whereSQL)
                GROUP BY t.village_id, t.status, t.category_id, t.department_id
                """, arguments: [RowCoding.millis(now)] + args)
            while let row = try rows.next() {
                let n: Int = row["n"]
                total += n
                if let status = TicketStatus(rawValue: row["s"]) { byStatus[status, default: 0] += n }
                byVillage[row["v"], default: 0] += n
                byCategory[row["c"], default: 0] += n
                byDepartment[row["d"], default: 0] += n
                responded += row["responded"] ?? 0
                fixed += row["fixed"] ?? 0
                withOutcome += row["with_outcome"] ?? 0
                satisfied += row["satisfied"] ?? 0
                followedUp += row["followed_up"] ?? 0
                overdue += row["overdue"] ?? 0
            }
            func rate(_ n: Int, _ d: Int) -> Double? { d == 0 ? nil : Double(n) / Double(d) }
            // The exact median: durations come out of the index unsorted; sorting here is
            // cheaper than an SQL sort with OFFSET at a million rows. `+t.status` keeps SQLite
            // on the covering index instead of the status index and 900k row lookups.
            var durations = try Int64.fetchAll(db, sql: """
                SELECT t.closed_at - t.created_at FROM ticket t
                WHERE \(whereSQL) AND +t.status = 'closed' AND (t.outcome IS NULL OR t.outcome <> 'duplicate') AND t.closed_at IS NOT NULL
                """, arguments: args)
            var median: TimeInterval?
            if !durations.isEmpty {
                durations.sort()
                let mid = durations.count / 2
                let millis = durations.count % 2 == 1 ? Double(durations[mid]) : (Double(durations[mid - 1]) + Double(durations[mid])) / 2
                median = millis / 1000
            }
            return TicketStatistics(
                total: total, byStatus: byStatus, byCategory: byCategory, byVillage: byVillage, byDepartment: byDepartment,
                responseRate: rate(responded, total), resolutionRate: rate(fixed, withOutcome),
                satisfactionRate: rate(satisfied, followedUp), overdueCount: overdue, medianTimeToClose: median)
        }
    }
}
