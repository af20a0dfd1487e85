import Foundation

/// What a list or statistics query selects. Empty sets and nils mean "any".
public struct TicketFilter: Sendable, Hashable {
    public var statuses: Set<TicketStatus> = []
    public var villageIDs: Set<VillageID> = []
    public var gridIDs: Set<GridID> = []
    public var categoryIDs: Set<CategoryID> = []
    public var departmentIDs: Set<DepartmentID> = []
    public var ownerUserID: UserID?
    public var channels: Set<Channel> = []
    /// Only tickets whose clock runs and whose due time has passed (as of the store's clock).
    public var onlyOverdue = false
    /// Reported at or after this instant.
    public var createdFrom: Date?
    /// Reported strictly before this instant.
    public var createdBefore: Date?
    /// Full-text search of descriptions (Chinese or not); whitespace separates terms, all must match.
    public var text: String?
    /// One of these tickets (Open311's service_request_id list); empty: any.
    public var ticketIDs: Set<TicketID> = []

    public init(statuses: Set<TicketStatus> = [], villageIDs: Set<VillageID> = [], gridIDs: Set<GridID> = [],
                categoryIDs: Set<CategoryID> = [], departmentIDs: Set<DepartmentID> = [], ownerUserID: UserID? = nil,
                channels: Set<Channel> = [], onlyOverdue: Bool = false, createdFrom: Date? = nil,
                createdBefore: Date? = nil, text: String? = nil) {
        self.statuses = statuses; self.villageIDs = villageIDs; self.gridIDs = gridIDs; self.categoryIDs = categoryIDs
        self.departmentIDs = departmentIDs; self.ownerUserID = ownerUserID; self.channels = channels
        self.onlyOverdue = onlyOverdue; self.createdFrom = createdFrom; self.createdBefore = createdBefore; self.text = text
    }
}

/// A page request: at most `limit` tickets after `cursor` (nil: the first page).
public struct PageRequest: Sendable, Hashable {
    public static let maxLimit = 500
    public var limit: Int
    public var cursor: String?
    public init(limit: Int = 50, cursor: String? = nil) { self.limit = limit; self.cursor = cursor }
}

/// Newest first, ties broken by id, so the order is total and stable across pages.
public struct TicketPage: Sendable, Hashable {
    public var items: [TicketView]
    /// Nil on the last page.
    public var nextCursor: String?
    /// Each item's version (its ledger's length), read with the item itself: a version read
    /// apart could be newer than the content shown, and an update made against it would
    /// overwrite a change its author never saw.
    public var versions: [TicketID: Int64]

    public init(items: [TicketView], nextCursor: String?, versions: [TicketID: Int64]) {
        self.items = items; self.nextCursor = nextCursor; self.versions = versions
    }
}
