import Foundation
import GRDB

/// WHERE clause over `ticket t` for a filter plus the caller's visibility.
struct TicketQueryCondition {
    var clauses: [String] = []
    var arguments = StatementArguments()

    init(filter: TicketFilter, scope: VisibilityScope, now: Date) throws {
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
            add("t.id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)", [q.match])
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
        var condition = try TicketQueryCondition(filter: filter, scope: scope, now: clock.now())
        if let text = page.cursor {
            let cursor = try PageCursor(decoding: text)
            condition.add("(t.created_at < ? OR (t.created_at = ? AND t.id < ?))",
                          [cursor.createdAtMillis, cursor.createdAtMillis, cursor.id])
        }
        let limit = page.limit
        let query = condition
        let (tickets, hasMore) = try await pool.read { db -> ([Ticket], Bool) in
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
            func grouped(_ column: String) throws -> [String: Int] {
                var out: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT COALESCE(\(column), '') AS k, COUNT(*) AS n FROM ticket t WHERE \(whereSQL) GROUP BY k",
                                            arguments: args) {
                    out[row["k"]] = row["n"]
                }
                return out
            }
            var byStatus: [TicketStatus: Int] = [:]
            for (k, n) in try grouped("t.status") { if let s = TicketStatus(rawValue: k) { byStatus[s] = n } }
            let totals = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS total,
                       COUNT(t.responded_at) AS responded,
                       SUM(t.outcome = 'fixed') AS fixed,
                       SUM(t.outcome IS NOT NULL AND t.outcome <> 'duplicate') AS with_outcome,
                       SUM(t.satisfied = 1) AS satisfied,
                       COUNT(t.satisfied) AS followed_up,
                       SUM(t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= ?) AS overdue
                FROM ticket t WHERE \(whereSQL)
                """, arguments: [RowCoding.millis(now)] + args)!
            func rate(_ num: String, _ den: String) -> Double? {
                let d: Int = totals[den] ?? 0
                let n: Int = totals[num] ?? 0
                return d == 0 ? nil : Double(n) / Double(d)
            }
            let closedCondition = "\(whereSQL) AND t.status = 'closed' AND (t.outcome IS NULL OR t.outcome <> 'duplicate') AND t.closed_at IS NOT NULL"
            let closedCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket t WHERE \(closedCondition)", arguments: args) ?? 0
            var median: TimeInterval?
            if closedCount > 0 {
                let middle = try Int64.fetchAll(db, sql: """
                    SELECT t.closed_at - t.created_at AS d FROM ticket t WHERE \(closedCondition)
                    ORDER BY d LIMIT ? OFFSET ?
                    """, arguments: args + [closedCount % 2 == 0 ? 2 : 1, (closedCount - 1) / 2])
                median = Double(middle.reduce(0, +)) / Double(middle.count) / 1000
            }
            return TicketStatistics(
                total: totals["total"], byStatus: byStatus, byCategory: try grouped("t.category_id"),
                byVillage: try grouped("t.village_id"), byDepartment: try grouped("t.department_id"),
                responseRate: rate("responded", "total"), resolutionRate: rate("fixed", "with_outcome"),
                satisfactionRate: rate("satisfied", "followed_up"), overdueCount: totals["overdue"] ?? 0,
                medianTimeToClose: median)
        }
    }
}
