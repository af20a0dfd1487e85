import Foundation
import GRDB
import LiaisonCore
import Logging

/// enterprise-liaison's SQLite store through GRDB: a WAL `DatabasePool` with `synchronous =
/// FULL` (the help figures and the problem list's deadlines are what leaders judge
/// departments by, so a reply comes only after a durable commit). Every change runs the core's
/// rule inside one write transaction, so two concurrent claims are serialised and exactly one
/// wins; a rule that throws rolls the transaction back and nothing changes.
public final class LiaisonStore: Sendable {
    let pool: DatabasePool
    public let workflow: ProblemWorkflow

    /// The database could not be opened or migrated.
    public struct OpenFailed: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot open the database \(path): \(reason)" }
    }

    public init(path: String, policy: DeadlinePolicy = .standard) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB sets NORMAL on the writer when it enables WAL: set FULL again on it.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try LiaisonSchema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw OpenFailed(path: path, reason: "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error)")")
        }
        workflow = ProblemWorkflow(policy: policy)
    }

    /// The journal mode and synchronous level the writer runs with (tests check WAL and FULL = 2).
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
    }

    /// What `seed` would add to, if anything.
    public func existingData() throws -> String? {
        try pool.read { db in
            let liaisons = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM liaison") ?? 0
            let items = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") ?? 0
            return liaisons + items == 0 ? nil : "\(liaisons) liaisons and \(items) problem items"
        }
    }

    // MARK: Liaisons and organisations

    public func register(_ liaison: Liaison) async throws -> Liaison {
        let liaison = try liaison.validated()
        return try await pool.write { db in
            if let existing = try Self.liaison(db, liaison.id) {
                guard existing == liaison else {
                    throw LiaisonError(.alreadyExists, reason: LiaisonReason.duplicate, "liaison \(liaison.id) is registered with different details")
                }
                return existing
            }
            try db.execute(sql: "INSERT INTO liaison (id, name, origin, department_id) VALUES (?, ?, ?, ?)",
                           arguments: [liaison.id, liaison.name, liaison.origin.rawValue, liaison.departmentID])
            return liaison
        }
    }

    public func register(_ organisation: Organisation) async throws -> Organisation {
        let organisation = try organisation.validated()
        return try await pool.write { db in
            if let existing = try Self.organisation(db, organisation.id) {
                guard existing == organisation else {
                    throw LiaisonError(.alreadyExists, reason: LiaisonReason.duplicate, "organisation \(organisation.id) is registered with different details")
                }
                return existing
            }
            if let other = try String.fetchOne(db, sql: "SELECT id FROM organisation WHERE credit_code = ?", arguments: [organisation.creditCode]) {
                throw LiaisonError(.alreadyExists, reason: LiaisonReason.duplicate, "credit code \(organisation.creditCode) is already registered as \(other)")
            }
            try db.execute(sql: "INSERT INTO organisation (id, name, kind, credit_code) VALUES (?, ?, ?, ?)",
                           arguments: [organisation.id, organisation.name, organisation.kind.rawValue, organisation.creditCode])
            return organisation
        }
    }

    public func liaisons() throws -> [Liaison] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM liaison ORDER BY id").map(Self.liaison(row:)) }
    }

    public func liaison(_ id: String) throws -> Liaison? { try pool.read { db in try Self.liaison(db, id) } }

    /// Organisations with their current liaison; only those assigned to `liaisonID` now when given.
    public func organisations(assignedTo liaisonID: String? = nil) throws -> [(Organisation, currentLiaison: String?)] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT o.*, a.liaison_id AS current_liaison FROM organisation o
                LEFT JOIN assignment a ON a.organisation_id = o.id AND a.until_s IS NULL
                WHERE ?1 IS NULL OR a.liaison_id = ?1
                ORDER BY o.id
                """, arguments: [liaisonID])
            return rows.map { (Self.organisation(row: $0), $0["current_liaison"]) }
        }
    }

    public func history(of organisationID: String) throws -> AssignmentHistory {
        try pool.read { db in try Self.history(db, organisationID) }
    }

    /// Assigns a liaison from `now` (ending the current assignment).
    public func assign(liaisonID: String, to organisationID: String, now: Instant) async throws -> AssignmentHistory {
        try await pool.write { db in
            guard try Self.liaison(db, liaisonID) != nil else {
                throw LiaisonError.notFound(reason: LiaisonReason.liaisonNotFound, "no liaison \(liaisonID)")
            }
            var history = try Self.history(db, organisationID)
            let changed = try history.assign(liaisonID: liaisonID, now: now)
            for assignment in changed {
                if assignment.until != nil {
                    try db.execute(sql: "UPDATE assignment SET until_s = ? WHERE organisation_id = ? AND until_s IS NULL",
                                   arguments: [assignment.until!.secondsSinceEpoch, organisationID])
                } else {
                    try db.execute(sql: "INSERT INTO assignment (organisation_id, liaison_id, from_s) VALUES (?, ?, ?)",
                                   arguments: [organisationID, liaisonID, assignment.from.secondsSinceEpoch])
                }
            }
            return history
        }
    }

    // MARK: Visits and help

    /// Records a visit by `liaisonID` (checked against the history); a retry with the same
    /// request id returns the first visit.
    public func recordVisit(_ visit: Visit, requestID: String, now: Instant) async throws -> Visit {
        try await pool.write { db in
            let scope = "RecordVisit:\(visit.liaisonID)"
            if let id = try Self.priorResult(db, scope: scope, requestID: requestID) {
                return try Self.visits(db, where: "id = ?", [id]).first!
            }
            let history = try Self.history(db, visit.organisationID)
            var visit = try visit.validated(assignments: history, now: now)
            let followUps = String(decoding: try JSONEncoder().encode(visit.followUps), as: UTF8.self)
            try db.execute(sql: "INSERT INTO visit (liaison_id, organisation_id, date, findings, follow_ups) VALUES (?, ?, ?, ?, ?)",
                           arguments: [visit.liaisonID, visit.organisationID, visit.date.description, visit.findings, followUps])
            visit.id = db.lastInsertedRowID
            try Self.remember(db, scope: scope, requestID: requestID, resultID: visit.id, now: now)
            return visit
        }
    }

    /// Visits, newest first; only `liaisonID`'s and/or `organisationID`'s when given.
    public func visits(liaisonID: String?, organisationID: String?) throws -> [Visit] {
        try pool.read { db in
            try Self.visits(db, where: "(?1 IS NULL OR liaison_id = ?1) AND (?2 IS NULL OR organisation_id = ?2)", [liaisonID, organisationID])
        }
    }

    public func recordHelp(_ record: HelpRecord, requestID: String, now: Instant) async throws -> HelpRecord {
        try await pool.write { db in
            let scope = "RecordHelp:\(record.liaisonID)"
            if let id = try Self.priorResult(db, scope: scope, requestID: requestID) {
                return try Self.help(db, where: "id = ?", [id]).first!
            }
            var record = try record.validated(assignments: try Self.history(db, record.organisationID), now: now)
            try db.execute(sql: "INSERT INTO help (liaison_id, organisation_id, date, kind, amount, note) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [record.liaisonID, record.organisationID, record.date.description, record.kind.rawValue, record.amount, record.note])
            record.id = db.lastInsertedRowID
            try Self.remember(db, scope: scope, requestID: requestID, resultID: record.id, now: now)
            return record
        }
    }

    public func helpTotals() throws -> HelpTotals {
        try pool.read { db in
            HelpTotals.of(liaisons: try Row.fetchAll(db, sql: "SELECT * FROM liaison").map(Self.liaison(row:)),
                          organisations: try Row.fetchAll(db, sql: "SELECT * FROM organisation").map(Self.organisation(row:)),
                          visits: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit") ?? 0,
                          help: try Self.help(db, where: "1", []))
        }
    }
}
