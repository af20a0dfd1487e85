import Foundation

/// Figures leaders watch (响应率、解决率、满意率), over the tickets a filter and the caller's
/// visibility select. Rates are nil when their denominator is zero.
public struct TicketStatistics: Sendable, Hashable {
    public var total: Int
    public var byStatus: [TicketStatus: Int]
    /// Tickets without a category (not yet classified) are counted under "".
    public var byCategory: [CategoryID: Int]
    public var byVillage: [VillageID: Int]
    /// Tickets never dispatched are counted under "".
    public var byDepartment: [DepartmentID: Int]

    /// Response rate = responded / total, where *responded* means someone acted on the ticket
    /// after submission (accepted, rejected or linked as duplicate: `respondedAt` is set).
    public var responseRate: Double?
    /// Resolution rate = tickets whose outcome is `fixed` / tickets that have an outcome other
    /// than `duplicate` (fixed, cannot be fixed, not our responsibility). Closure does not count:
    /// a closed ticket that was not fixed lowers the rate. Reopened tickets have no outcome
    /// until replied again, so they are in neither count.
    public var resolutionRate: Double?
    /// Satisfaction rate = tickets whose latest follow-up was satisfied / tickets followed up
    /// at least once (`satisfied` is not null).
    public var satisfactionRate: Double?
    /// Tickets whose clock runs (accepted, dispatched, signed, in progress) and whose due
    /// time is before the store's current time.
    public var overdueCount: Int
    /// Median of (closedAt − createdAt) over tickets in status `closed` whose outcome is not
    /// `duplicate` (rejections and duplicate links would flatter it). Even counts average the
    /// two middle values. Nil when none.
    public var medianTimeToClose: TimeInterval?
}
