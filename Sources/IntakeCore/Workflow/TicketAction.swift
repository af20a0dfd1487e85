/// Category, place and priority decided when a ticket is accepted (受理 + 分类).
public struct Classification: Sendable, Hashable {
    public var categoryID: CategoryID
    /// Nil keeps the reported village / grid.
    public var villageID: VillageID?
    public var gridID: GridID?
    public var priority: Priority?
    public init(categoryID: CategoryID, villageID: VillageID? = nil, gridID: GridID? = nil, priority: Priority? = nil) {
        self.categoryID = categoryID; self.villageID = villageID; self.gridID = gridID; self.priority = priority
    }
}

/// A step of the workflow someone asks for. `TicketWorkflow` decides whether it is legal.
public enum TicketAction: Sendable, Hashable {
    /// submitted → accepted; the actor becomes the accountable owner.
    case accept(Classification)
    /// submitted → rejected (invalid demand).
    case reject(reason: String)
    /// submitted | accepted → closed with outcome `.duplicate`, linked to the original.
    case linkDuplicate(of: TicketID)
    /// accepted → inProgress, handled by the village itself.
    case resolveAtVillage
    /// accepted → dispatched to a department that handles the ticket's category.
    case dispatch(to: DepartmentID)
    /// dispatched → signed; the department's clock starts.
    case sign
    /// dispatched | signed → accepted (back to triage), with a reason (退单).
    case returnToTriage(reason: String)
    /// signed → inProgress.
    case startHandling
    /// inProgress → replied, with the outcome and the result told to the resident.
    case reply(outcome: ResolutionOutcome, result: String)
    /// replied → followedUp when satisfied; replied → inProgress (reopened) when not.
    case followUp(satisfied: Bool, comment: String?)
    /// followedUp → closed.
    case close

    public var name: TicketActionName {
        switch self {
        case .accept: .accept
        case .reject: .reject
        case .linkDuplicate: .linkDuplicate
        case .resolveAtVillage: .resolveAtVillage
        case .dispatch: .dispatch
        case .sign: .sign
        case .returnToTriage: .returnToTriage
        case .startHandling: .startHandling
        case .reply: .reply
        case .followUp: .followUp
        case .close: .close
        }
    }
}

/// Names of everything the ledger records. Workflow actions plus submission, attachments and
/// the deadline notices the scheduler emits (which do not change the status).
public enum TicketActionName: String, Sendable, Codable, CaseIterable {
    case submit, accept, reject, linkDuplicate = "link_duplicate", resolveAtVillage = "resolve_at_village"
    case dispatch, sign, returnToTriage = "return_to_triage", startHandling = "start_handling"
    case reply, followUp = "follow_up", close
    case attach
    case remind, markOverdue = "mark_overdue", escalate

    /// The actions that move a ticket along the workflow.
    public static let workflowActions: [TicketActionName] = [
        .accept, .reject, .linkDuplicate, .resolveAtVillage, .dispatch, .sign,
        .returnToTriage, .startHandling, .reply, .followUp, .close,
    ]
}

/// An action asked for in a status that does not allow it.
public struct IllegalTransition: Error, Equatable, CustomStringConvertible {
    public var action: TicketActionName
    public var from: TicketStatus
    public var allowed: [TicketActionName]
    public var description: String {
        let list = allowed.isEmpty ? "none (the ticket is final)" : allowed.map(\.rawValue).joined(separator: ", ")
        return "illegal transition: cannot '\(action.rawValue)' a ticket in status '\(from.rawValue)'; allowed from '\(from.rawValue)': \(list)"
    }
}
