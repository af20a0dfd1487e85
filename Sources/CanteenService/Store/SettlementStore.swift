import CanteenCore
import Crypto
import Foundation
import GRDB

/// Monthly settlements per operator: issued once, immutable (triggers refuse any change),
/// with a digest over their lines and the reconciliation of every claim not paid.
extension CanteenStore {
    /// "YYYY-MM" → its first and last day.
    static func monthBounds(_ month: String) -> (first: CivilDate, last: CivilDate)? {
        let parts = month.split(separator: "-")
        guard month.count == 7, parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
              let first = CivilDate(year: y, month: m, day: 1) else { return nil }
        return (first, CivilDate(year: y, month: m, day: CivilDate.daysIn(month: m, year: y))!)
    }

    /// The settlement's digest: SHA-256 over its id, operator, month and lines, one per line.
    static func digest(id: String, operatorID: String, month: String, lines: [SettlementLineRecord]) -> String {
        var text = "\(id)\n\(operatorID)\n\(month)\n"
        for line in lines { text += "\(WireIDs.meal(line.mealID))|\(line.canteenID)|\(line.day)|\(line.subsidyFen)\n" }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public func issueSettlement(operatorID: String, month: String) throws -> SettlementRecord {
        guard let (first, last) = Self.monthBounds(month) else { throw CanteenRefusal.invalid("month", "must be YYYY-MM, not '\(month)'") }
        guard last < today else {
            throw CanteenRefusal.precondition("SETTLEMENT_PERIOD_OPEN", "month: \(month) has not ended; settle it from \(last.adding(days: 1)!) on")
        }
        let id = "S-\(operatorID)-\(month)"
        let issuedAt = clock.now()
        return try pool.write { db in
            if try String.fetchOne(db, sql: "SELECT id FROM settlements WHERE operator_id = ? AND month = ?", arguments: [operatorID, month]) != nil {
                throw CanteenRefusal(.alreadyExists, "SETTLEMENT_ALREADY_ISSUED", "month: the settlement of \(operatorID) for \(month) was already issued as \(id)")
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT meals.id, meals.canteen_id, meals.day, meals.subsidy_fen, elders.masked, elders.end_reason, elders.end_from
                FROM meals JOIN elders ON elders.id = meals.elder_id
                WHERE meals.operator_id = ? AND meals.day BETWEEN ? AND ? AND meals.subsidy_fen > 0 ORDER BY meals.id
                """, arguments: [operatorID, first.description, last.description])
            var lines: [SettlementLineRecord] = []
            var refused: [RefusedClaimRecord] = []
            for row in rows {
                let day = row.civilDate("day")
                let fen: Int = row["subsidy_fen"]
                // A meal on or after the end of eligibility recorded later (a death reported
                // late) is not paid: never pay for a meal the elder could not have had.
                if let reason: String = row["end_reason"], let r = EligibilityEnd.Reason(rawValue: reason), day >= row.civilDate("end_from") {
                    refused.append(RefusedClaimRecord(reason: .ended(r), canteenID: row["canteen_id"], day: day, masked: row["masked"],
                                                      mealID: row["id"], subsidyFen: fen))
                    continue
                }
                lines.append(SettlementLineRecord(mealID: row["id"], canteenID: row["canteen_id"], day: day, masked: row["masked"], subsidyFen: fen))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT * FROM refused_claims WHERE operator_id = ? AND day BETWEEN ? AND ? ORDER BY id
                """, arguments: [operatorID, first.description, last.description]) {
                refused.append(RefusedClaimRecord(reason: RefusalKind(rawValue: row["reason"]) ?? .unknownCard, canteenID: row["canteen_id"],
                                                  day: row.civilDate("day"), masked: row["masked"], mealID: nil, subsidyFen: row["subsidy_fen"]))
            }
            let total = lines.reduce(0) { $0 + $1.subsidyFen }
            let digest = Self.digest(id: id, operatorID: operatorID, month: month, lines: lines)
            try db.execute(sql: "INSERT INTO settlements (id, operator_id, month, total_fen, digest, issued_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, operatorID, month, total, digest, issuedAt.timeIntervalSince1970])
            for (seq, line) in lines.enumerated() {
                try db.execute(sql: """
                    INSERT INTO settlement_lines (settlement_id, seq, meal_id, canteen_id, day, masked, subsidy_fen) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, seq, line.mealID, line.canteenID, line.day.description, line.masked, line.subsidyFen])
            }
            for (seq, claim) in refused.enumerated() {
                try db.execute(sql: """
                    INSERT INTO settlement_refusals (settlement_id, seq, reason, canteen_id, day, masked, meal_id, subsidy_fen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, seq, claim.reason.rawValue, claim.canteenID, claim.day.description, claim.masked, claim.mealID,
                                     claim.subsidyFen])
            }
            return SettlementRecord(id: id, operatorID: operatorID, month: month, lines: lines, totalFen: total, digest: digest,
                                    refused: refused, issuedAt: issuedAt, digestVerified: true)
        }
    }

    /// An issued settlement as stored, its digest recomputed from the stored lines.
    public func settlement(id: String) throws -> SettlementRecord {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM settlements WHERE id = ?", arguments: [id]) else {
                throw CanteenRefusal.notFound("SETTLEMENT_NOT_FOUND", "settlement_id: no settlement \(id)")
            }
            let lines = try Row.fetchAll(db, sql: "SELECT * FROM settlement_lines WHERE settlement_id = ? ORDER BY seq", arguments: [id]).map {
                SettlementLineRecord(mealID: $0["meal_id"], canteenID: $0["canteen_id"], day: $0.civilDate("day"), masked: $0["masked"],
                                     subsidyFen: $0["subsidy_fen"])
            }
            let refused = try Row.fetchAll(db, sql: "SELECT * FROM settlement_refusals WHERE settlement_id = ? ORDER BY seq", arguments: [id]).map {
                RefusedClaimRecord(reason: RefusalKind(rawValue: $0["reason"]) ?? .unknownCard, canteenID: $0["canteen_id"],
                                   day: $0.civilDate("day"), masked: $0["masked"], mealID: $0["meal_id"], subsidyFen: $0["subsidy_fen"])
            }
            let operatorID: String = row["operator_id"], month: String = row["month"], digest: String = row["digest"]
            let recomputed = Self.digest(id: id, operatorID: operatorID, month: month, lines: lines)
            let total: Int = row["total_fen"]
            return SettlementRecord(id: id, operatorID: operatorID, month: month, lines: lines, totalFen: total, digest: digest,
                                    refused: refused, issuedAt: Date(timeIntervalSince1970: row["issued_at"]),
                                    digestVerified: recomputed == digest && total == lines.reduce(0) { $0 + $1.subsidyFen })
        }
    }
}
