import Foundation
import GRDB

/// WHERE clause over `ticket t` for a filter plus the caller's visibility.
struct TicketQueryCondition {
    var clauses: [String] = []
    var arguments = StatementArguments()

    /// The FTS5 expression of the filter's text, if any (for `list` to size the match first).
    var textMatch: String?
    /// Whether the SQL text can take only a few forms: the scope, statuses, channels, owner,
    /// overdue and creation bounds, with no list of ids and no search text (lists of ids take
    /// as many forms as there are list lengths, and text a clause per term).
    private(set) var hasFewForms = true

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
        if !(filter.villageIDs.isEmpty && filter.gridIDs.isEmpty && filter.categoryIDs.isEmpty && filter.departmentIDs.isEmpty
            && filter.ticketIDs.isEmpty && filter.text == nil) {
            hasFewForms = false
        }
        if !filter.categoryIDs.isEmpty {
            // An empty id stands for "not classified yet" (category_id IS NULL).
            let named = filter.categoryIDs.filter { !$0.isEmpty }.sorted()
            var alternatives: [String] = []
            if !named.isEmpty { alternatives.append("t.category_id IN (\(Array(repeating: "?", count: named.count).joined(separator: ", ")))") }
            if filter.categoryIDs.contains("") { alternatives.append("t.category_id IS NULL") }
            add("(\(alternatives.joined(separator: " OR ")))", StatementArguments(named))
        }
        inList("t.department_id", filter.departmentIDs) { $0 }
        inList("t.channel", filter.channels) { $0.rawValue }
        if !filter.ticketIDs.isEmpty {
            let ids = filter.ticketIDs.sorted()
            add("t.id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))", StatementArguments(ids))
        }
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

    /// `sql` (a query over this condition) prepared: from the connection's statement cache when
    /// the condition has few forms, so the cockpit's queries are planned once per connection;
    /// afresh otherwise, since GRDB's cache keeps every text it is given and filters from
    /// clients take unboundedly many.
    func statement(_ sql: String, _ db: Database) throws -> Statement {
        hasFewForms ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }
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
        let (tickets, versions, hasMore) = try await pool.read { db -> ([Ticket], [TicketID: Int64], Bool) in
            var query = rareQuery
            if let match = rareQuery.textMatch {
                let matches = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM ticket_search WHERE ticket_search MATCH ? LIMIT ?)",
                                               arguments: [match, threshold + 1]) ?? 0
                if matches > threshold { query = commonQuery }
            }
            let rows = try Row.fetchCursor(query.statement("""
                SELECT t.* FROM ticket t WHERE \(query.sql) ORDER BY t.created_at DESC, t.id DESC LIMIT ?
                """, db), arguments: query.arguments + [limit + 1])
            var tickets: [Ticket] = []
            var versions: [TicketID: Int64] = [:]
            var columns: ColumnPositions?
            while let row = try rows.next() {
                guard tickets.count < limit else { return (tickets, versions, true) }
                if columns == nil { columns = try ColumnPositions(row, naming: RowCoding.ticketColumns + ["ledger_length"]) }
                let ticket = try RowCoding.ticket(row, columns: columns!)
                versions[ticket.id] = row[columns!["ledger_length"]]
                tickets.append(ticket)
            }
            return (tickets, versions, false)
        }
        let next = hasMore ? tickets.last.map { PageCursor(createdAtMillis: RowCoding.millis($0.createdAt), id: $0.id).encoded } : nil
        return TicketPage(items: tickets.map { view($0, attachments: [], for: principal) }, nextCursor: next, versions: versions)
    }
}
