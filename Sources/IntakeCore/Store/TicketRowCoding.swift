import Foundation
import GRDB

/// Maps `Ticket` and `LedgerEvent` to and from their rows. Instants are integer milliseconds.
public enum RowCoding {
    public static func millis(_ date: Date) -> Int64 { LedgerHasher.milliseconds(date) }
    public static func millis(_ date: Date?) -> Int64? { date.map { LedgerHasher.milliseconds($0) } }
    public static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(ms) / 1000) }
    public static func date(_ ms: Int64?) -> Date? { ms.map { date($0) } }

    public static func decodeEnum<E: RawRepresentable>(_ raw: String, _ what: String) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: raw) else { throw IntakeError.invalidInput("stored \(what) '\(raw)' is unknown") }
        return value
    }

    public static func ticket(_ row: Row) throws -> Ticket {
        try ticket(row, columns: ColumnPositions(row, naming: ticketColumns))
    }

    /// The columns `ticket(_:columns:)` reads.
    static let ticketColumns = [
        "latitude", "longitude", "outcome", "handling_level", "satisfied", "id", "number", "channel",
        "reporter_name", "reporter_phone", "reporter_user_id", "reporter_email", "reporter_device_id", "reporter_account_id", "village_id", "grid_id",
        "address", "category_id", "description", "priority", "status", "owner_user_id", "department_id", "duplicate_of",
        "rejection_reason", "result_note", "due_at", "escalation_level", "reopen_count", "created_at", "updated_at", "responded_at",
        "replied_at", "closed_at", "media_url", "address_id", "zipcode",
    ]

    /// A ticket from a row whose columns' positions are known (`columns`, found once for a
    /// result set).
    static func ticket(_ row: Row, columns c: ColumnPositions) throws -> Ticket {
        let lat: Double? = row[c["latitude"]], lon: Double? = row[c["longitude"]]
        let outcome: String? = row[c["outcome"]], handling: String? = row[c["handling_level"]]
        let satisfied: Int64? = row[c["satisfied"]]
        return Ticket(
            id: row[c["id"]], number: row[c["number"]], channel: try decodeEnum(row[c["channel"]], "channel"),
            reporter: Reporter(
                name: row[c["reporter_name"]], phone: row[c["reporter_phone"]], userID: row[c["reporter_user_id"]],
                email: row[c["reporter_email"]], deviceID: row[c["reporter_device_id"]], accountID: row[c["reporter_account_id"]]),
            villageID: row[c["village_id"]], gridID: row[c["grid_id"]],
            location: lat.flatMap { la in lon.map { GeoPoint(latitude: la, longitude: $0) } },
            address: row[c["address"]], categoryID: row[c["category_id"]], description: row[c["description"]],
            priority: try decodeEnum(row[c["priority"]], "priority"), status: try decodeEnum(row[c["status"]], "status"),
            outcome: try outcome.map { try decodeEnum($0, "outcome") }, ownerUserID: row[c["owner_user_id"]],
            handlingLevel: try handling.map { try decodeEnum($0, "handling level") }, departmentID: row[c["department_id"]],
            duplicateOf: row[c["duplicate_of"]], rejectionReason: row[c["rejection_reason"]], resultNote: row[c["result_note"]],
            dueAt: date(row[c["due_at"]] as Int64?), escalationLevel: row[c["escalation_level"]],
            satisfied: satisfied.map { $0 != 0 }, reopenCount: row[c["reopen_count"]],
            createdAt: date(row[c["created_at"]] as Int64), updatedAt: date(row[c["updated_at"]] as Int64),
            respondedAt: date(row[c["responded_at"]] as Int64?), repliedAt: date(row[c["replied_at"]] as Int64?),
            closedAt: date(row[c["closed_at"]] as Int64?), mediaURL: row[c["media_url"]], addressID: row[c["address_id"]], zipcode: row[c["zipcode"]])
    }

    /// Column names and values of the mutable state, in the same order.
    public static let stateColumns = [
        "channel", "reporter_name", "reporter_phone", "reporter_user_id", "village_id", "grid_id", "latitude", "longitude",
        "address", "category_id", "description", "priority", "status", "outcome", "owner_user_id", "handling_level",
        "department_id", "duplicate_of", "rejection_reason", "result_note", "due_at", "next_deadline_check_at",
        "escalation_level", "satisfied", "reopen_count", "created_at", "updated_at", "responded_at", "replied_at", "closed_at",
        "reporter_email", "reporter_device_id", "reporter_account_id", "media_url", "address_id", "zipcode",
    ]

    public static func stateValues(_ t: Ticket, nextDeadlineCheck: Date?) -> [(any DatabaseValueConvertible)?] {
        [
            t.channel.rawValue, t.reporter.name, t.reporter.phone, t.reporter.userID, t.villageID, t.gridID,
            t.location?.latitude, t.location?.longitude, t.address, t.categoryID, t.description, t.priority.rawValue,
            t.status.rawValue, t.outcome?.rawValue, t.ownerUserID, t.handlingLevel?.rawValue, t.departmentID,
            t.duplicateOf, t.rejectionReason, t.resultNote, millis(t.dueAt), millis(nextDeadlineCheck),
            t.escalationLevel, t.satisfied.map { $0 ? 1 : 0 }, t.reopenCount, millis(t.createdAt), millis(t.updatedAt),
            millis(t.respondedAt), millis(t.repliedAt), millis(t.closedAt),
            t.reporter.email, t.reporter.deviceID, t.reporter.accountID, t.mediaURL, t.addressID, t.zipcode,
        ]
    }

    public static func ledgerEvent(_ row: Row) throws -> LedgerEvent {
        let from: String? = row["from_status"]
        let detailsText: String = row["details"]
        let details = try JSONDecoder().decode([String: String].self, from: Data(detailsText.utf8))
        return LedgerEvent(
            position: row["position"], ticketID: row["ticket_id"], sequence: row["sequence"],
            actorUserID: row["actor_user_id"], actorRole: row["actor_role"],
            occurredAt: date(row["occurred_at"] as Int64), fromStatus: try from.map { try decodeEnum($0, "status") },
            toStatus: try decodeEnum(row["to_status"], "status"), action: try decodeEnum(row["action"], "action"),
            note: row["note"], details: details, previousHash: row["previous_hash"], hash: row["hash"])
    }

    /// Sorted-key JSON object of strings, written by hand: it runs for every ledger event,
    /// and a JSONEncoder per event dominated bulk loads.
    public static func detailsJSON(_ details: [String: String]) -> String {
        if details.isEmpty { return "{}" }
        var out = "{"
        for (i, key) in details.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            appendJSONString(key, to: &out)
            out += ":"
            appendJSONString(details[key]!, to: &out)
        }
        return out + "}"
    }

    static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    public static func attachment(_ row: Row) -> AttachmentInfo {
        AttachmentInfo(id: row["id"], ticketID: row["ticket_id"], mediaType: row["media_type"], fileName: row["file_name"],
                       size: row["size"], sha256: row["sha256"], uploadedBy: row["uploaded_by"],
                       createdAt: date(row["created_at"] as Int64))
    }
}
