import CanteenCore
import Foundation

/// What the service's rules and limits are (configuration keys `canteen.*`, documented with
/// their defaults in deploy/canteen-meals.example.md).
public struct CanteenConfiguration: Sendable {
    /// The district's time zone: which day a meal is on, when a sitting starts.
    public var timeZone = TimeZone(identifier: "Asia/Shanghai")!
    public var subsidyTable = SubsidyTable.standard
    public var reach = WalkingReach.standard
    /// Reservations are taken and cancelled until this many minutes before the sitting starts.
    public var reservationCutoffMinutes = 120
    public var maximumFamilyMembers = 10
    /// Most candidate sites a ProposeSites request may name.
    public var maximumSitingCandidates = 5_000
    public var maximumK = 500
    /// Most (candidate, elder) pairs a siting may hold in memory (8 bytes each).
    public var maximumSitingCoverageEntries = 5_000_000
    /// Check-ins that may wait for the next group commit; one more is refused at once with
    /// RESOURCE_EXHAUSTED (the counter retries) instead of queueing without bound.
    public var checkInQueueLimit = 4096
    public var defaultPageSize = 50
    public var maximumPageSize = 500

    public init() {}
}

/// Now, for the store: a clock tests can set.
public protocol CanteenClock: Sendable {
    func now() -> Date
}

public struct SystemCanteenClock: CanteenClock {
    public init() {}
    public func now() -> Date { Date() }
}
