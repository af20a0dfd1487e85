/// Who may do what to a ticket they can see. Visibility is checked first, in SQL
/// (`VisibilityScope`); this decides on the action itself.
public enum ActionPolicy {
    /// Intake and triage work: grid workers (of the ticket's grid or its owner), leaders, admins.
    static let triageActions: Set<TicketActionName> = [.accept, .reject, .linkDuplicate, .resolveAtVillage, .dispatch, .followUp, .close]
    /// The department's part: signing, returning, handling.
    static let departmentActions: Set<TicketActionName> = [.sign, .returnToTriage, .startHandling]

    public static func authorize(_ action: TicketActionName, on ticket: Ticket, by principal: Principal) throws(IntakeError) {
        let role = principal.role
        if role == .admin { return }
        func deny(_ why: String) -> IntakeError {
            .permissionDenied("\(role.rawValue) '\(principal.userID)' may not '\(action.rawValue)' ticket \(ticket.number): \(why)")
        }
        if triageActions.contains(action) {
            guard role == .gridWorker || role == .leader else { throw deny("only grid workers, leaders and admins triage and follow up tickets") }
            return
        }
        if departmentActions.contains(action) {
            guard role == .departmentStaff else { throw deny("only staff of the department the ticket is dispatched to may do this") }
            guard ticket.departmentID != nil, ticket.departmentID == principal.departmentID else {
                throw deny("the ticket is not dispatched to department '\(principal.departmentID ?? "-")'")
            }
            return
        }
        if action == .reply {
            switch ticket.handlingLevel {
            case .department?:
                guard role == .departmentStaff, ticket.departmentID == principal.departmentID else {
                    throw deny("the handling department replies")
                }
            case .village?, nil:
                guard role == .gridWorker || role == .leader else { throw deny("the village replies to tickets it handles") }
            }
            return
        }
        throw deny("not a workflow action")
    }

    /// Who may file a new ticket: residents (for themselves), grid workers, leaders, admins.
    public static func authorizeSubmission(_ report: NewTicket, by principal: Principal) throws(IntakeError) {
        switch principal.role {
        case .admin, .leader: return
        case .gridWorker:
            guard let grid = principal.gridID, report.gridID == nil || report.gridID == grid else {
                throw .permissionDenied("grid worker '\(principal.userID)' may file tickets only for grid '\(principal.gridID ?? "-")'")
            }
        case .resident:
            guard report.reporter.userID == principal.userID else {
                throw .permissionDenied("resident '\(principal.userID)' may file tickets only as themselves")
            }
        default:
            throw .permissionDenied("role '\(principal.role.rawValue)' may not file intake tickets")
        }
    }

    /// An upload without a ticket is the first step of a submission: for those who may file one.
    public static func authorizeUnattachedUpload(by principal: Principal) throws(IntakeError) {
        switch principal.role {
        case .admin, .leader, .gridWorker, .resident: return
        default: throw .permissionDenied("role '\(principal.role.rawValue)' may not file intake tickets, so may not upload for one")
        }
    }

    /// The full phone number is for the accountable owner and the reporter themselves.
    public static func seesFullPhone(_ ticket: Ticket, principal: Principal) -> Bool {
        if let owner = ticket.ownerUserID, owner == principal.userID { return true }
        if let reporter = ticket.reporter.userID, reporter == principal.userID { return true }
        return false
    }
}
