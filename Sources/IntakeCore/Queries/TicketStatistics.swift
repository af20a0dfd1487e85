import Foundation

/// Counts of one set of tickets (the whole selection, or one village, category or
/// department of it), from which its rates follow. Rates are nil when their denominator is zero.
public struct TicketFigures: Sendable, Hashable {
    public var total = 0
    /// Tickets in status `closed`, linked duplicates included (see `duplicates`).
    public var closed = 0
    /// Closed by being linked as a duplicate of another ticket.
    public var duplicates = 0
    public var rejected = 0
    /// Tickets whose clock runs (accepted, dispatched, signed, in progress) and whose due
    /// time is before the store's current time.
    public var overdue = 0
    /// Someone acted on the ticket after submission (accepted, rejected or linked as
    /// duplicate: `respondedAt` is set).
    public var responded = 0
    /// Tickets whose outcome is `fixed`.
    public var fixed = 0
    /// Tickets with an outcome other than `duplicate` (reopened tickets have none until
    /// replied again).
    public var withOutcome = 0
    /// Tickets whose latest follow-up was satisfied.
    public var satisfied = 0
    /// Tickets followed up at least once (`satisfied` is not nil).
    public var followedUp = 0
    /// Tickets with a current reply (`repliedAt` set; a reopen clears it).
    public var replied = 0
    /// ... of which the reply came at or before the due time in force.
    public var repliedOnTime = 0

    public init() {}

    /// Neither closed (duplicates included) nor rejected.
    public var open: Int { total - closed - rejected }

    /// 响应率: responded / total.
    public var responseRate: Double? { Self.rate(responded, total) }
    /// 解决率: fixed / tickets with an outcome other than duplicate. Closure does not count: a
    /// closed ticket that was not fixed lowers the rate.
    public var resolutionRate: Double? { Self.rate(fixed, withOutcome) }
    /// 满意率: latest follow-up satisfied / followed up at least once.
    public var satisfactionRate: Double? { Self.rate(satisfied, followedUp) }
    /// Replies at or before the due time / current replies.
    public var onTimeRate: Double? { Self.rate(repliedOnTime, replied) }

    static func rate(_ n: Int, _ d: Int) -> Double? { d == 0 ? nil : Double(n) / Double(d) }
}

/// Figures leaders watch, over the tickets a filter and the caller's visibility select.
public struct TicketStatistics: Sendable, Hashable {
    public var overall: TicketFigures
    public var byStatus: [TicketStatus: Int]
    /// Tickets without a category (not yet classified) are counted under "".
    public var byCategory: [CategoryID: TicketFigures]
    public var byVillage: [VillageID: TicketFigures]
    /// Tickets never dispatched are counted under "".
    public var byDepartment: [DepartmentID: TicketFigures]
    /// Median of (closedAt − createdAt) over tickets in status `closed` whose outcome is not
    /// `duplicate` (rejections and duplicate links would flatter it). Even counts average the
    /// two middle values. Nil when none. Computed for the whole selection only.
    public var medianTimeToClose: TimeInterval?

    public var total: Int { overall.total }
    public var overdueCount: Int { overall.overdue }
    public var responseRate: Double? { overall.responseRate }
    public var resolutionRate: Double? { overall.resolutionRate }
    public var satisfactionRate: Double? { overall.satisfactionRate }
}
