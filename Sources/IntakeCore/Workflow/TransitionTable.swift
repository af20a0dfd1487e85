/// The workflow's legal moves, in one place. Follow-up has two targets (satisfied or reopened).
public enum TransitionTable {
    public static let moves: [TicketStatus: [TicketActionName: Set<TicketStatus>]] = [
        .submitted: [.accept: [.accepted], .reject: [.rejected], .linkDuplicate: [.closed]],
        .accepted: [.resolveAtVillage: [.inProgress], .dispatch: [.dispatched], .linkDuplicate: [.closed]],
        .dispatched: [.sign: [.signed], .returnToTriage: [.accepted]],
        .signed: [.startHandling: [.inProgress], .returnToTriage: [.accepted]],
        .inProgress: [.reply: [.replied]],
        .replied: [.followUp: [.followedUp, .inProgress]],
        .followedUp: [.close: [.closed]],
        .closed: [:],
        .rejected: [:],
    ]

    /// Actions allowed from `status`, in the order of `TicketActionName.workflowActions`.
    public static func allowedActions(from status: TicketStatus) -> [TicketActionName] {
        let allowed = moves[status] ?? [:]
        return TicketActionName.workflowActions.filter { allowed[$0] != nil }
    }

    public static func check(_ action: TicketActionName, from status: TicketStatus) throws(IntakeError) {
        guard moves[status]?[action] != nil else {
            throw .illegalTransition(IllegalTransition(action: action, from: status, allowed: allowedActions(from: status)))
        }
    }
}
