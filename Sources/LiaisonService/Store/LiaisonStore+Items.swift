import Foundation
import GRDB
import LiaisonCore

/// Which items a list asks for.
public struct ItemFilter: Sendable {
    public var period: ProblemPeriod?
    public var states: Set<ProblemState> = []
    public var types: Set<ProblemType> = []
    public var departmentID: String?
    /// Only items with a source at one of these organisations (a liaison's view).
    public var organisationIDs: Set<String>?
    /// Leave out FILED and MERGED items (a department's view: only the published list).
    public var publishedOnly = false

    public init() {}
}

extension LiaisonStore {
    /// A liaison files a problem; a retry with the same request id returns the first item.
    public func fileProblem(title: String, description: String, type: ProblemType, organisationID: String,
                            by actor: ProblemActor, requestID: String, now: Instant) async throws -> ProblemItem {
        let workflow = self.workflow
        return try await pool.write { db in
            let scope = "FileProblem:\(actor)"
            if let id = try Self.priorResult(db, scope: scope, requestID: requestID) { return try Self.item(db, id)! }
            guard try Self.organisation(db, organisationID) != nil else {
                throw LiaisonError.notFound(reason: LiaisonReason.organisationNotFound, "no organisation \(organisationID)")
            }
            let item = try workflow.file(id: try Self.nextItemID(db), title: title, description: description, type: type,
                                         organisationID: organisationID, by: actor, assignments: try Self.history(db, organisationID), now: now)
            try Self.save(db, item, isNew: true)
            try Self.remember(db, scope: scope, requestID: requestID, resultID: item.id, now: now)
            return item
        }
    }

    /// Applies one rule to one item inside a write transaction; writes it only if it changed.
    public func change(item id: Int64, _ rule: @escaping @Sendable (ProblemItem, ProblemWorkflow, Database) throws -> ProblemItem) async throws -> ProblemItem {
        let workflow = self.workflow
        return try await pool.write { db in
            guard let item = try Self.item(db, id) else { throw LiaisonError.notFound(reason: LiaisonReason.itemNotFound, "no item \(id)") }
            let changed = try rule(item, workflow, db)
            if changed != item { try Self.save(db, changed, isNew: false) }
            return changed
        }
    }

    /// The office merges items into a new common one; a retry with the same request id returns it.
    public func merge(itemIDs: [Int64], title: String, description: String, by actor: ProblemActor,
                      requestID: String, now: Instant) async throws -> ProblemItem {
        let workflow = self.workflow
        return try await pool.write { db in
            let scope = "MergeProblems:\(actor)"
            if let id = try Self.priorResult(db, scope: scope, requestID: requestID) { return try Self.item(db, id)! }
            var items: [ProblemItem] = []
            for id in itemIDs.prefix(ProblemWorkflow.maxMergeSources + 1) {
                guard let item = try Self.item(db, id) else { throw LiaisonError.notFound(reason: LiaisonReason.itemNotFound, "no item \(id)") }
                items.append(item)
            }
            let (common, absorbed) = try workflow.merge(items, newID: try Self.nextItemID(db), title: title, description: description, by: actor, now: now)
            try Self.save(db, common, isNew: true)
            for item in absorbed { try Self.save(db, item, isNew: false) }
            try Self.remember(db, scope: scope, requestID: requestID, resultID: common.id, now: now)
            return common
        }
    }

    /// Publishes the period's filed items.
    public func publish(period: ProblemPeriod, by actor: ProblemActor, now: Instant) async throws -> [ProblemItem] {
        let workflow = self.workflow
        return try await pool.write { db in
            let filed = try Self.items(db, where: "period = ? AND state = ?", [period.description, ProblemState.filed.rawValue])
            let published = try workflow.publish(filed, period: period, by: actor, now: now)
            for item in published { try Self.save(db, item, isNew: false) }
            return published
        }
    }

    /// Progress reports append, so a retry with the same request id must not append twice.
    public func reportProgress(item id: Int64, note: String, by actor: ProblemActor, requestID: String, now: Instant) async throws -> ProblemItem {
        let workflow = self.workflow
        return try await pool.write { db in
            let scope = "ReportProgress:\(actor)"
            guard let item = try Self.item(db, id) else { throw LiaisonError.notFound(reason: LiaisonReason.itemNotFound, "no item \(id)") }
            if try Self.priorResult(db, scope: scope, requestID: requestID) == id { return item }
            let changed = try workflow.reportProgress(item, note: note, by: actor, now: now)
            try Self.save(db, changed, isNew: false)
            try Self.remember(db, scope: scope, requestID: requestID, resultID: id, now: now)
            return changed
        }
    }

    public func item(_ id: Int64) throws -> ProblemItem? { try pool.read { db in try Self.item(db, id) } }

    public func items(_ filter: ItemFilter) throws -> [ProblemItem] {
        try pool.read { db in
            var clauses: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let period = filter.period { clauses.append("period = ?"); arguments.append(period.description) }
            if !filter.states.isEmpty {
                clauses.append("state IN (\(filter.states.map { _ in "?" }.joined(separator: ",")))")
                arguments += filter.states.map(\.rawValue)
            }
            if !filter.types.isEmpty {
                clauses.append("type IN (\(filter.types.map { _ in "?" }.joined(separator: ",")))")
                arguments += filter.types.map(\.rawValue)
            }
            if let department = filter.departmentID { clauses.append("department_id = ?"); arguments.append(department) }
            if filter.publishedOnly { clauses.append("state NOT IN ('filed', 'merged')") }
            if let organisations = filter.organisationIDs {
                guard !organisations.isEmpty else { return [] }
                clauses.append("id IN (SELECT item_id FROM item_organisation WHERE organisation_id IN (\(organisations.map { _ in "?" }.joined(separator: ","))))")
                arguments += organisations.sorted()
            }
            return try Self.items(db, where: clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), StatementArguments(arguments))
        }
    }

    /// The deadline pass over every open item: reminders, overdue marks, unclaimed flags.
    /// Returns how many items it changed.
    @discardableResult
    public func sweep(now: Instant) async throws -> Int {
        let workflow = self.workflow
        return try await pool.write { db in
            var changed = 0
            for item in try Self.items(db, where: "state IN ('published', 'claimed', 'answered')", []) {
                if let swept = workflow.sweep(item, now: now) {
                    try Self.save(db, swept, isNew: false)
                    changed += 1
                }
            }
            return changed
        }
    }

    /// The organisations a liaison is assigned to now.
    public func organisationIDs(assignedTo liaisonID: String) throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT organisation_id FROM assignment WHERE liaison_id = ? AND until_s IS NULL", arguments: [liaisonID]))
        }
    }

    // MARK: Demo data

    /// Loads demo data in one transaction. Over existing data (`seed --force`) liaisons and
    /// organisations already registered, and their assignments, are kept as they are; visits,
    /// help and problem items are added.
    public func load(_ data: DemoLiaisonData) async throws {
        try await pool.write { db in
            for l in data.liaisons {
                try db.execute(sql: "INSERT OR IGNORE INTO liaison (id, name, origin, department_id) VALUES (?, ?, ?, ?)",
                               arguments: [l.id, l.name, l.origin.rawValue, l.departmentID])
            }
            var added = Set<String>()
            for o in data.organisations {
                try db.execute(sql: "INSERT OR IGNORE INTO organisation (id, name, kind, credit_code) VALUES (?, ?, ?, ?)",
                               arguments: [o.id, o.name, o.kind.rawValue, o.creditCode])
                if db.changesCount > 0 { added.insert(o.id) }
            }
            for history in data.assignments where added.contains(history.organisationID) {
                for a in history.assignments {
                    try db.execute(sql: "INSERT INTO assignment (organisation_id, liaison_id, from_s, until_s) VALUES (?, ?, ?, ?)",
                                   arguments: [a.organisationID, a.liaisonID, a.from.secondsSinceEpoch, a.until?.secondsSinceEpoch])
                }
            }
            let encoder = JSONEncoder()
            for v in data.visits {
                try db.execute(sql: "INSERT INTO visit (liaison_id, organisation_id, date, findings, follow_ups) VALUES (?, ?, ?, ?, ?)",
                               arguments: [v.liaisonID, v.organisationID, v.date.description, v.findings,
                                           String(decoding: try encoder.encode(v.followUps), as: UTF8.self)])
            }
            for h in data.help {
                try db.execute(sql: "INSERT INTO help (liaison_id, organisation_id, date, kind, amount, note) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [h.liaisonID, h.organisationID, h.date.description, h.kind.rawValue, h.amount, h.note])
            }
            let offset = try Self.nextItemID(db) - 1
            for var item in data.items {
                // Demo ids start at 1; shift them past anything already stored (seed --force).
                item.id += offset
                item.mergedInto = item.mergedInto.map { $0 + offset }
                item.mergedFrom = item.mergedFrom.map { $0 + offset }
                item.sources = item.sources.map { var s = $0; s.originalItemID += offset; return s }
                try Self.save(db, item, isNew: true)
            }
        }
    }
}
