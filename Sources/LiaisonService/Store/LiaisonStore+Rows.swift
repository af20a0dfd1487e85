import Foundation
import GRDB
import LiaisonCore

/// Rows to core values and back, inside a transaction the caller holds.
extension LiaisonStore {
    static func liaison(_ db: Database, _ id: String) throws -> Liaison? {
        try Row.fetchOne(db, sql: "SELECT * FROM liaison WHERE id = ?", arguments: [id]).map(liaison(row:))
    }

    static func liaison(row: Row) -> Liaison {
        Liaison(id: row["id"], name: row["name"], origin: LiaisonOrigin(rawValue: row["origin"]) ?? .zoneDepartment, departmentID: row["department_id"])
    }

    static func organisation(_ db: Database, _ id: String) throws -> Organisation? {
        try Row.fetchOne(db, sql: "SELECT * FROM organisation WHERE id = ?", arguments: [id]).map(organisation(row:))
    }

    static func organisation(row: Row) -> Organisation {
        Organisation(id: row["id"], name: row["name"], kind: OrganisationKind(rawValue: row["kind"]) ?? .enterprise, creditCode: row["credit_code"])
    }

    /// An organisation's assignments; NOT_FOUND when the organisation is not registered.
    static func history(_ db: Database, _ organisationID: String) throws -> AssignmentHistory {
        guard try organisation(db, organisationID) != nil else {
            throw LiaisonError.notFound(reason: LiaisonReason.organisationNotFound, "no organisation \(organisationID)")
        }
        let assignments = try Row.fetchAll(db, sql: "SELECT * FROM assignment WHERE organisation_id = ? ORDER BY from_s, id", arguments: [organisationID]).map { row in
            Assignment(organisationID: organisationID, liaisonID: row["liaison_id"], from: Instant(secondsSinceEpoch: row["from_s"]),
                       until: (row["until_s"] as Int64?).map { Instant(secondsSinceEpoch: $0) })
        }
        return AssignmentHistory(organisationID: organisationID, assignments: assignments)
    }

    static func visits(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [Visit] {
        try Row.fetchAll(db, sql: "SELECT * FROM visit WHERE \(clause) ORDER BY date DESC, id DESC", arguments: arguments).map { row in
            let followUps = (try? JSONDecoder().decode([String].self, from: Data((row["follow_ups"] as String).utf8))) ?? []
            return Visit(id: row["id"], liaisonID: row["liaison_id"], organisationID: row["organisation_id"],
                         date: LocalDate(row["date"] as String) ?? LocalDate(year: 1970, month: 1, day: 1)!, findings: row["findings"], followUps: followUps)
        }
    }

    static func help(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [HelpRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM help WHERE \(clause) ORDER BY id", arguments: arguments).map { row in
            HelpRecord(id: row["id"], liaisonID: row["liaison_id"], organisationID: row["organisation_id"],
                       date: LocalDate(row["date"] as String) ?? LocalDate(year: 1970, month: 1, day: 1)!,
                       kind: HelpKind(rawValue: row["kind"]) ?? .suggestion, amount: row["amount"], note: row["note"])
        }
    }

    static func item(_ db: Database, _ id: Int64) throws -> ProblemItem? {
        try items(db, where: "id = ?", [id]).first
    }

    static func items(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [ProblemItem] {
        let decoder = JSONDecoder()
        return try String.fetchAll(db, sql: "SELECT body FROM item WHERE \(clause) ORDER BY id", arguments: arguments).map { body in
            try decoder.decode(ProblemItem.self, from: Data(body.utf8))
        }
    }

    static func save(_ db: Database, _ item: ProblemItem, isNew: Bool) throws {
        let body = String(decoding: try JSONEncoder().encode(item), as: UTF8.self)
        if isNew {
            try db.execute(sql: "INSERT INTO item (id, period, state, type, department_id, body) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [item.id, item.period.description, item.state.rawValue, item.type.rawValue, item.department, body])
            for organisation in item.organisationIDs {
                try db.execute(sql: "INSERT INTO item_organisation (item_id, organisation_id) VALUES (?, ?)", arguments: [item.id, organisation])
            }
        } else {
            try db.execute(sql: "UPDATE item SET state = ?, type = ?, department_id = ?, body = ? WHERE id = ?",
                           arguments: [item.state.rawValue, item.type.rawValue, item.department, body, item.id])
        }
        if let referral = item.referral {
            try db.execute(sql: """
                UPDATE item SET referral_state = ?, referral_ticket_number = ?, referral_ticket_status = ?,
                    referral_attempts = ?, referral_last_error = ? WHERE id = ?
                """, arguments: [referral.state.rawValue, referral.ticketNumber, referral.ticketStatus,
                                   referral.attempts, referral.lastError, item.id])
        }
    }

    static func nextItemID(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM item") ?? 0) + 1
    }

    static func priorResult(_ db: Database, scope: String, requestID: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT result_id FROM client_request WHERE scope = ? AND request_id = ?", arguments: [scope, requestID])
    }

    static func remember(_ db: Database, scope: String, requestID: String, resultID: Int64, now: Instant) throws {
        try db.execute(sql: "INSERT INTO client_request (scope, request_id, result_id, at_s) VALUES (?, ?, ?, ?)",
                       arguments: [scope, requestID, resultID, now.secondsSinceEpoch])
    }
}
