import IntakeCore
import TownshipProtos
import TownshipRoles

/// Enum values between the wire and the intake core. Where the proto is finer than the core
/// (the core has no RETURNED or DUPLICATE status), the mapping says how it reads the core.
enum ProtoEnums {
    /// The one mapping of roles lives with the generated types (`TownshipRole+Proto.swift`).
    static func role(_ r: Township_Common_V1_Role) -> IntakeCore.Role? { TownshipRole(r) }

    static func role(named raw: String) -> Township_Common_V1_Role {
        Township_Common_V1_Role(TownshipRole(rawValue: raw))
    }

    static func channel(_ c: IntakeCore.Channel) -> Township_Intake_V1_Channel {
        switch c {
        case .kioskVideo: .kioskVideo
        case .hotline96150: .hotline96150
        case .hotline12345: .hotline12345
        case .gridPhoto: .gridPhoto
        case .fridayOfficeHours: .fridayOfficeHours
        case .other: .other
        }
    }

    static func channel(_ c: Township_Intake_V1_Channel) -> IntakeCore.Channel? {
        switch c {
        case .kioskVideo: .kioskVideo
        case .hotline96150: .hotline96150
        case .hotline12345: .hotline12345
        case .gridPhoto: .gridPhoto
        case .fridayOfficeHours: .fridayOfficeHours
        case .other: .other
        case .unspecified, .UNRECOGNIZED: nil
        }
    }

    /// The wire knows normal and urgent; the core's `high` is reported as normal.
    static func priority(_ p: IntakeCore.Priority) -> Township_Intake_V1_Priority {
        p == .urgent ? .urgent : .normal
    }

    static func priority(_ p: Township_Intake_V1_Priority) -> IntakeCore.Priority? {
        switch p {
        case .urgent: .urgent
        case .normal: .normal
        case .unspecified, .UNRECOGNIZED: nil
        }
    }

    /// A closed ticket whose outcome is `duplicate` is the wire's DUPLICATE.
    static func status(_ s: IntakeCore.TicketStatus, outcome: ResolutionOutcome? = nil) -> Township_Intake_V1_TicketStatus {
        switch s {
        case .submitted: .submitted
        case .accepted: .accepted
        case .dispatched: .dispatched
        case .signed: .signed
        case .inProgress: .inProgress
        case .replied: .replied
        case .followedUp: .followedUp
        case .closed: outcome == .duplicate ? .duplicate : .closed
        case .rejected: .rejected
        }
    }

    /// Statuses of the core a wire status selects (RETURNED tickets are back in ACCEPTED).
    static func statuses(_ s: Township_Intake_V1_TicketStatus) -> [IntakeCore.TicketStatus] {
        switch s {
        case .submitted: [.submitted]
        case .accepted, .returned: [.accepted]
        case .rejected: [.rejected]
        case .duplicate, .closed: [.closed]
        case .dispatched: [.dispatched]
        case .signed: [.signed]
        case .inProgress: [.inProgress]
        case .replied: [.replied]
        case .followedUp: [.followedUp]
        case .unspecified, .UNRECOGNIZED: []
        }
    }

    static func outcome(_ o: ResolutionOutcome?) -> Township_Intake_V1_Outcome {
        switch o {
        case .fixed?: .fixed
        case .cannotBeFixed?: .cannotBeFixed
        case .notOurResponsibility?: .notOurResponsibility
        case .duplicate?: .duplicate
        case nil: .unspecified
        }
    }

    static func outcome(_ o: Township_Intake_V1_Outcome) -> ResolutionOutcome? {
        switch o {
        case .fixed: .fixed
        case .cannotBeFixed: .cannotBeFixed
        case .notOurResponsibility: .notOurResponsibility
        case .duplicate: .duplicate
        case .unspecified, .UNRECOGNIZED: nil
        }
    }

    static func action(_ a: TicketActionName) -> Township_Intake_V1_Action {
        switch a {
        case .submit: .submit
        case .accept: .accept
        case .reject: .reject
        case .linkDuplicate: .markDuplicate
        case .resolveAtVillage: .resolveAtVillage
        case .dispatch: .dispatch
        case .sign: .sign
        case .returnToTriage: .returnToTriage
        case .startHandling: .startHandling
        case .reply: .reply
        case .followUp: .followUp
        case .close: .close
        case .attach: .attach
        case .remind: .remind
        case .markOverdue, .escalate: .escalate
        }
    }

    static func categoryKind(_ k: CategoryKind) -> Township_Intake_V1_CategoryKind {
        switch k {
        case .urgent: .urgent
        case .enquiry: .enquiry
        case .help: .help
        case .complaint: .complaint
        case .proposal: .proposal
        }
    }
}
