import Foundation
import IntakeCore
import SwiftProtobuf
import TownshipProtos

/// Ledger events as the wire shows them, with the action's details in the proto's oneof.
enum LedgerEventMapping {
    static func event(_ e: IntakeCore.LedgerEvent) -> Township_Intake_V1_LedgerEvent {
        var w = Township_Intake_V1_LedgerEvent()
        w.position = e.position
        w.ticketID = TicketMapping.ticketID(e.ticketID)
        w.sequence = Int64(e.sequence)
        w.actor = TicketMapping.userPrincipal(e.actorUserID, role: e.actorRole)
        w.occurredAt = TicketMapping.timestamp(e.occurredAt)
        if let from = e.fromStatus { w.fromStatus = ProtoEnums.status(from) }
        let outcome = e.details["outcome"].flatMap(ResolutionOutcome.init(rawValue:))
        w.toStatus = ProtoEnums.status(e.toStatus, outcome: e.action == .linkDuplicate ? .duplicate : outcome)
        w.action = ProtoEnums.action(e.action)
        if let n = e.note { w.note = n }
        w.previousHash = Hex.decode(e.previousHash) ?? Data()
        w.hash = Hex.decode(e.hash) ?? Data()
        let d = e.details
        if let due = d["due_at"].flatMap(Int64.init), e.action != .remind, e.action != .markOverdue, e.action != .escalate {
            w.startedClock.dueAt = TicketMapping.timestamp(Date(timeIntervalSince1970: Double(due) / 1000))
        }
        switch e.action {
        case .submit:
            var s = Township_Intake_V1_Submission()
            if let c = d["channel"].flatMap(IntakeCore.Channel.init(rawValue:)) { s.channel = ProtoEnums.channel(c) }
            if let v = d["village"] { s.place.villageID.value = v }
            if let g = d["grid"] { s.place.gridID.value = g }
            if let c = d["category"] { s.categoryID.value = c }
            s.reportedAt = w.occurredAt
            w.submission = s
        case .accept:
            var c = Township_Intake_V1_Classification()
            if let v = d["category"] { c.categoryID.value = v }
            if let v = d["village"] { c.place.villageID.value = v }
            if let g = d["grid"] { c.place.gridID.value = g }
            if let p = d["priority"].flatMap(IntakeCore.Priority.init(rawValue:)) { c.priority = ProtoEnums.priority(p) }
            w.classification = c
        case .reject:
            var r = Township_Intake_V1_Rejection(); r.reason = e.note ?? ""; w.rejection = r
        case .linkDuplicate:
            var l = Township_Intake_V1_DuplicateLink()
            if let o = d["original"] ?? d["duplicate_of"] { l.originalID.value = o }
            w.duplicateLink = l
        case .resolveAtVillage:
            var r = Township_Intake_V1_VillageResolution()
            if let v = d["village"] { r.villageID.value = v }
            if let h = d["handler"] { r.handlerID.value = h }
            w.villageResolution = r
        case .dispatch:
            var r = Township_Intake_V1_DepartmentDispatch(); r.departmentID.value = d["department"] ?? ""; w.departmentDispatch = r
        case .returnToTriage:
            var r = Township_Intake_V1_ReturnToTriage(); r.reason = .other; r.explanation = e.note ?? ""; w.returnToTriage = r
        case .reply:
            var r = Township_Intake_V1_Reply(); r.outcome = ProtoEnums.outcome(outcome); r.result = e.note ?? ""; w.reply = r
        case .followUp:
            var f = Township_Intake_V1_FollowUp()
            f.result = d["satisfied"] == "true" ? .satisfied : .dissatisfied
            f.comment = e.note ?? ""
            w.followUp = f
        case .attach:
            var a = Township_Intake_V1_AttachmentInfo()
            a.id.value = d["attachment"] ?? ""
            a.fileName = d["file_name"] ?? ""
            a.mediaType = d["media_type"] ?? ""
            a.sizeBytes = d["size"].flatMap(Int64.init) ?? 0
            a.sha256 = d["sha256"].flatMap(Hex.decode) ?? Data()
            a.uploadedBy.value = e.actorUserID
            a.uploadedAt = w.occurredAt
            w.attachment = a
        case .remind, .markOverdue, .escalate:
            var n = Township_Intake_V1_DeadlineNotice()
            if let due = d["due_at"].flatMap(Int64.init) { n.dueAt = TicketMapping.timestamp(Date(timeIntervalSince1970: Double(due) / 1000)) }
            w.deadlineNotice = n
            // The wire has one ESCALATE action; the note keeps which notice it was.
            if w.note.isEmpty, let kind = d["kind"] { w.note = kind }
        case .sign, .startHandling, .close:
            break
        }
        return w
    }
}
