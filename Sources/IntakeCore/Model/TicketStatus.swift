/// Where a ticket stands in its flow. Raw values are what the database and ledger store.
public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    case submitted
    /// Accepted and classified (受理, 分类): in triage, owned by the accepting worker.
    case accepted
    /// Sent to a department (派单), not yet signed for.
    case dispatched
    /// The department signed for it (签收); its clock started.
    case signed
    case inProgress = "in_progress"
    /// The handler replied with the result (回复).
    case replied
    /// The resident was called back and was satisfied (回访).
    case followedUp = "followed_up"
    case closed
    /// Refused as invalid at intake, with a reason.
    case rejected

    /// Statuses in which the ticket's deadline clock runs.
    public static let clockRunning: Set<TicketStatus> = [.accepted, .dispatched, .signed, .inProgress]
    public static let terminal: Set<TicketStatus> = [.closed, .rejected]
}
