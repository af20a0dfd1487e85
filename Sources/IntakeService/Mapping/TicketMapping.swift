import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos

/// Core tickets and attachments as the wire shows them.
enum TicketMapping {
    static func ticketID(_ id: TicketID) -> Township_Common_V1_TicketId {
        var w = Township_Common_V1_TicketId(); w.value = String(id); return w
    }

    static func userPrincipal(_ userID: UserID, role: String? = nil) -> Township_Common_V1_Principal {
        var p = Township_Common_V1_Principal()
        p.userID.value = userID
        if let role { p.role = ProtoEnums.role(named: role) }
        return p
    }

    static func timestamp(_ date: Date) -> Google_Protobuf_Timestamp { Google_Protobuf_Timestamp(date: date) }

    /// "张三" → "张*": the reporter's name is masked with the phone.
    static func maskName(_ name: String) -> String {
        guard let first = name.first else { return name }
        return String(first) + String(repeating: "*", count: max(name.count - 1, 1))
    }

    /// `version` is the number of ledger events (every change appends one).
    static func ticket(_ view: TicketView, version: Int64, now: Date) -> Township_Intake_V1_Ticket {
        let t = view.ticket
        var w = Township_Intake_V1_Ticket()
        w.id = ticketID(t.id)
        w.number = t.number
        w.reporter.name = view.isPhoneMasked ? maskName(t.reporter.name) : t.reporter.name
        w.reporter.phone = t.reporter.phone
        w.reporter.masked = view.isPhoneMasked
        // Contact and origin are shown only to those who see the full phone; no partial mask helps here.
        if !view.isPhoneMasked {
            if let e = t.reporter.email { w.reporter.email = e }
            if let d = t.reporter.deviceID { w.reporter.deviceID = d }
            if let a = t.reporter.accountID { w.reporter.accountID = a }
        }
        if let m = t.mediaURL { w.submission.mediaURL = m }
        if let a = t.addressID { w.submission.addressID = a }
        if let z = t.zipcode { w.submission.zipcode = z }
        w.submission.channel = ProtoEnums.channel(t.channel)
        w.submission.place.villageID.value = t.villageID
        if let g = t.gridID { w.submission.place.gridID.value = g }
        if let loc = t.location {
            w.submission.place.location.latitude = loc.latitude
            w.submission.place.location.longitude = loc.longitude
        }
        if let a = t.address { w.submission.place.address = a }
        if let c = t.categoryID { w.submission.categoryID.value = c }
        w.submission.problemDescription = t.description
        w.submission.priority = ProtoEnums.priority(t.priority)
        w.submission.reportedAt = timestamp(t.createdAt)
        w.submission.attachmentIds = view.attachments.map { var id = Township_Common_V1_AttachmentId(); id.value = $0.id; return id }
        w.attachments = view.attachments.map(attachment)
        w.status = ProtoEnums.status(t.status, outcome: t.outcome)
        w.outcome = ProtoEnums.outcome(t.outcome)
        if let r = t.resultNote { w.result = r }
        if let owner = t.ownerUserID { w.owner = userPrincipal(owner) }
        switch t.handlingLevel {
        case .village?: w.handlerLevel = .village
        case .department?: w.handlerLevel = .department
        case nil: break
        }
        if let d = t.departmentID { w.departmentID.value = d }
        if let due = t.dueAt {
            w.deadline.dueAt = timestamp(due)
            w.deadline.overdue = t.isOverdue(at: now)
            w.deadline.escalated = t.escalationLevel > 0
        }
        if let d = t.duplicateOf { w.duplicateOf = ticketID(d) }
        if let s = t.satisfied { w.followUp.result = s ? .satisfied : .dissatisfied }
        w.reopenCount = Int32(clamping: t.reopenCount)
        w.reportedAt = timestamp(t.createdAt)
        w.createdAt = timestamp(t.createdAt)
        w.updatedAt = timestamp(t.updatedAt)
        if let c = t.closedAt { w.finishedAt = timestamp(c) }
        w.version = version
        if let reporter = t.reporter.userID { w.submittedBy = userPrincipal(reporter) }
        return w
    }

    static func attachment(_ a: IntakeCore.AttachmentInfo) -> Township_Intake_V1_AttachmentInfo {
        var w = Township_Intake_V1_AttachmentInfo()
        w.id.value = a.id
        w.fileName = a.fileName
        w.mediaType = a.mediaType
        w.sizeBytes = a.size
        w.sha256 = Hex.decode(a.sha256) ?? Data()
        w.uploadedAt = timestamp(a.createdAt)
        w.uploadedBy.value = a.uploadedBy
        return w
    }
}

enum Hex {
    static func encode(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    /// Hex digits to bytes; nil for an odd length or anything but 0-9, a-f, A-F. On UTF-8
    /// bytes: every submission's reply decodes two ledger hashes inside the writer's
    /// transaction, where the String-index version cost a tenth of the writer's CPU.
    static func decode(_ text: String) -> Data? {
        var text = text
        return text.withUTF8 { decode(bytes: $0) }
    }

    private static func decode(bytes: UnsafeBufferPointer<UInt8>) -> Data? {
        guard bytes.count % 2 == 0 else { return nil }
        var out = Data(count: bytes.count / 2)
        let complete = out.withUnsafeMutableBytes { target -> Bool in
            for index in 0..<target.count {
                guard let high = nibble(bytes[2 * index]), let low = nibble(bytes[2 * index + 1]) else { return false }
                target[index] = high << 4 | low
            }
            return true
        }
        return complete ? out : nil
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
