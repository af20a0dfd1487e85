import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

/// WHERE clause over `ticket t` for a filter plus the caller's visibility, every value bound.
enum PostgresTicketCondition {
    static func build(_ filter: TicketFilter, scope: VisibilityScope, now: Date, _ sql: inout BoundSQL) throws -> String {
        var clauses: [String] = []
        if scope.condition != "1" { clauses.append(sql.render(questionMarks: scope.condition, scope.arguments)) }
        func inList(_ column: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            clauses.append("\(column) IN (\(values.sorted().map { sql.bind($0) }.joined(separator: ", ")))")
        }
        inList("t.status", filter.statuses.map(\.rawValue))
        inList("t.village_id", Array(filter.villageIDs))
        inList("t.grid_id", Array(filter.gridIDs))
        if !filter.categoryIDs.isEmpty {
            // An empty id stands for "not classified yet" (category_id IS NULL).
            let named = filter.categoryIDs.filter { !$0.isEmpty }.sorted()
            var alternatives: [String] = []
            if !named.isEmpty { alternatives.append("t.category_id IN (\(named.map { sql.bind($0) }.joined(separator: ", ")))") }
            if filter.categoryIDs.contains("") { alternatives.append("t.category_id IS NULL") }
            clauses.append("(\(alternatives.joined(separator: " OR ")))")
        }
        inList("t.department_id", Array(filter.departmentIDs))
        inList("t.channel", filter.channels.map(\.rawValue))
        if !filter.ticketIDs.isEmpty {
            clauses.append("t.id IN (\(filter.ticketIDs.sorted().map { sql.bind($0) }.joined(separator: ", ")))")
        }
        if let owner = filter.ownerUserID { clauses.append("t.owner_user_id = \(sql.bind(owner))") }
        if filter.onlyOverdue {
            clauses.append("t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= \(sql.bind(LedgerHasher.milliseconds(now)))")
        }
        if let from = filter.createdFrom { clauses.append("t.created_at >= \(sql.bind(LedgerHasher.milliseconds(from)))") }
        if let before = filter.createdBefore { clauses.append("t.created_at < \(sql.bind(LedgerHasher.milliseconds(before)))") }
        if let text = filter.text {
            guard text.count <= 200 else { throw IntakeError.invalidInput("search text exceeds 200 characters") }
            guard let search = PostgresSearch.condition(text, &sql) else { throw IntakeError.invalidInput("search text has nothing to search for") }
            clauses.append(search)
        }
        return clauses.isEmpty ? "TRUE" : clauses.joined(separator: " AND ")
    }
}

extension PostgresTicketStore {
    public func ticket(_ id: TicketID, for principal: Principal) async throws -> TicketDetail {
        let scope = try VisibilityScope(for: principal)
        let logger = self.logger
        let (ticket, attachments, timeline) = try await client.withConnection { db in
            let ticket = try await PostgresTicketWrites.loadVisibleTicket(id, scope: scope, db, logger)
            return (ticket, try await PostgresTicketWrites.attachments(of: id, db, logger), try await PostgresTicketWrites.ledger(of: id, db, logger))
        }
        return TicketDetail(view: TicketView(showing: ticket, attachments: attachments, to: principal), timeline: timeline)
    }

    public func list(_ filter: TicketFilter, page: PageRequest, for principal: Principal) async throws -> TicketPage {
        let scope = try VisibilityScope(for: principal)
        guard (1...PageRequest.maxLimit).contains(page.limit) else {
            throw IntakeError.invalidInput("page limit must be 1...\(PageRequest.maxLimit), got \(page.limit)")
        }
        var sql = BoundSQL()
        var condition = try PostgresTicketCondition.build(filter, scope: scope, now: clock.now(), &sql)
        if let text = page.cursor {
            let cursor = try PageCursor(decoding: text)
            condition += " AND (t.created_at, t.id) < (\(sql.bind(cursor.createdAtMillis)), \(sql.bind(cursor.id)))"
        }
        sql.text = "SELECT t.* FROM ticket t WHERE \(condition) ORDER BY t.created_at DESC, t.id DESC LIMIT \(sql.bind(Int64(page.limit + 1)))"
        let (query, logger, limit) = (sql.query, self.logger, page.limit)
        let rows = try await client.withConnection { try await $0.rows(query, logger) }
        let tickets = try rows.prefix(limit).map(RowCoding.ticket)
        var versions: [TicketID: Int64] = [:]
        for (ticket, row) in zip(tickets, rows) { versions[ticket.id] = row["ledger_length"] }
        let next = rows.count > limit ? tickets.last.map { PageCursor(createdAtMillis: RowCoding.millis($0.createdAt), id: $0.id).encoded } : nil
        return TicketPage(items: tickets.map { TicketView(showing: $0, attachments: [], to: principal) }, nextCursor: next, versions: versions)
    }

    /// The figures of `TicketFigures`, as COUNT ... FILTER over `ticket t` (the SQLite store
    /// keeps running cells; here the GROUP BY is one pass over the selection).
    static let figureCounts: [(column: String, condition: String)] = [
        ("responded", "t.responded_at IS NOT NULL"),
        ("fixed", "t.outcome = 'fixed'"),
        ("with_outcome", "t.outcome IS NOT NULL AND t.outcome <> 'duplicate'"),
        ("satisfied", "t.satisfied = 1"),
        ("followed_up", "t.satisfied IS NOT NULL"),
        ("duplicates", "t.status = 'closed' AND t.outcome = 'duplicate'"),
        ("replied", "t.replied_at IS NOT NULL"),
        ("replied_on_time", "t.replied_at <= t.due_at"),
        ("closed_timed", closedTimed),
    ]
    static let closedTimed = "t.status = 'closed' AND t.closed_at IS NOT NULL AND (t.outcome IS NULL OR t.outcome <> 'duplicate')"

    public func statistics(_ filter: TicketFilter, for principal: Principal) async throws -> TicketStatistics {
        let scope = try VisibilityScope(for: principal)
        let now = clock.now()
        var sql = BoundSQL()
        let condition = try PostgresTicketCondition.build(filter, scope: scope, now: now, &sql)
        let nowBind = sql.bind(LedgerHasher.milliseconds(now))
        let counts = Self.figureCounts.map { "COUNT(*) FILTER (WHERE \($0.condition)) AS \($0.column)" }.joined(separator: ", ")
        // One statement sharing the binds: each dimension's groups with their status (the figures
        // are marginals, so (village, status), (category, status) and (department, status) carry
        // them in a few hundred rows where the joint groups were thousands, each decoded in
        // Swift), the overdue groups, and the median.
        let zeros = Self.figureCounts.map { _ in "0" }.joined(separator: ", ")
        sql.text = """
            WITH selected AS (SELECT t.* FROM ticket t WHERE \(condition))
            SELECT 'village' AS part, t.village_id AS village, t.status, NULL AS category, NULL AS department,
                COUNT(*) AS n, \(counts), NULL::double precision AS median
            FROM selected t GROUP BY t.village_id, t.status
            UNION ALL
            SELECT 'category', NULL, t.status, COALESCE(t.category_id, ''), NULL, COUNT(*), \(counts), NULL
            FROM selected t GROUP BY t.category_id, t.status
            UNION ALL
            SELECT 'department', NULL, t.status, NULL, COALESCE(t.department_id, ''), COUNT(*), \(counts), NULL
            FROM selected t GROUP BY t.department_id, t.status
            UNION ALL
            SELECT 'overdue', t.village_id, NULL, COALESCE(t.category_id, ''), COALESCE(t.department_id, ''), COUNT(*), \(zeros), NULL
            FROM selected t WHERE t.status IN ('accepted', 'dispatched', 'signed', 'in_progress') AND t.due_at <= \(nowBind)
            GROUP BY 2, 4, 5
            UNION ALL
            SELECT 'median', NULL, NULL, NULL, NULL, 0, \(zeros),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY t.closed_at - t.created_at)
            FROM selected t WHERE \(Self.closedTimed)
            """
        let (query, logger) = (sql.query, self.logger)
        let rows = try await client.withConnection { try await $0.rows(query, logger) }
        var sums = FigureSums()
        var median: TimeInterval?
        for row in rows {
            switch row["part"] as String {
            case "village", "category", "department":
                var figures = TicketFigures()
                figures.total = row["n"]
                figures.responded = row["responded"]; figures.fixed = row["fixed"]; figures.withOutcome = row["with_outcome"]
                figures.satisfied = row["satisfied"]; figures.followedUp = row["followed_up"]; figures.duplicates = row["duplicates"]
                figures.replied = row["replied"]; figures.repliedOnTime = row["replied_on_time"]
                let dimension = FigureSums.Dimension(rawValue: row["part"])!
                sums.add(dimension, key: row[dimension.rawValue], status: row["status"], figures: figures, closedTimed: row["closed_timed"])
            case "overdue":
                sums.addOverdue(village: row["village"], category: row["category"], department: row["department"], count: row["n"])
            default:
                median = (row["median"] as Double?).map { $0 / 1000 }
            }
        }
        return sums.statistics(medianTimeToClose: sums.closedTimed > 0 ? median : nil)
    }
}
