/// A village (村) or urban community (社区) of the township.
public struct Village: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case village, community }
    public var id: VillageID
    public var name: String
    public var kind: Kind
    /// A representative point (the village committee), when known: shown for tickets without
    /// a point of their own, and the place Open311 reports are matched to by distance.
    public var center: GeoPoint?
    public init(id: VillageID, name: String, kind: Kind = .village, center: GeoPoint? = nil) {
        self.id = id; self.name = name; self.kind = kind; self.center = center
    }
}

/// A grid of the three-level grid system (网格化). Tickets are filed against level-3 grids;
/// levels 1 and 2 are the town official and the village party secretary above them.
public struct Grid: Sendable, Hashable, Codable {
    public var id: GridID
    public var villageID: VillageID
    public var level: Int
    public var parentID: GridID?
    public var name: String
    public init(id: GridID, villageID: VillageID, level: Int, parentID: GridID? = nil, name: String) {
        self.id = id; self.villageID = villageID; self.level = level; self.parentID = parentID; self.name = name
    }
}

/// A person responsible for a grid (网格员 / 网格长).
public struct GridWorker: Sendable, Hashable, Codable {
    public var userID: UserID
    public var name: String
    public var gridID: GridID
    public var level: Int
    public init(userID: UserID, name: String, gridID: GridID, level: Int) {
        self.userID = userID; self.name = name; self.gridID = gridID; self.level = level
    }
}

/// A township department (科室) and the categories it handles.
public struct Department: Sendable, Hashable, Codable {
    public var id: DepartmentID
    public var name: String
    public var categoryIDs: [CategoryID]
    public init(id: DepartmentID, name: String, categoryIDs: [CategoryID]) {
        self.id = id; self.name = name; self.categoryIDs = categoryIDs
    }
}

/// The kind of demand; each kind has a default deadline rule (see `DeadlinePolicy`).
public enum CategoryKind: String, Sendable, Codable, CaseIterable {
    case urgent, enquiry, help, complaint, proposal
}

/// A node of the category taxonomy, with its own (configurable) deadline rule.
public struct Category: Sendable, Hashable, Codable {
    public var id: CategoryID
    public var name: String
    public var kind: CategoryKind
    public var parentID: CategoryID?
    public var deadlineRule: DeadlineRule
    public init(id: CategoryID, name: String, kind: CategoryKind, parentID: CategoryID? = nil,
                deadlineRule: DeadlineRule? = nil) {
        self.id = id; self.name = name; self.kind = kind; self.parentID = parentID
        self.deadlineRule = deadlineRule ?? DeadlinePolicy.standard.rule(for: kind)
    }
}

/// Everything the township configures once: places, grids, people, departments, categories.
public struct ReferenceData: Sendable, Hashable, Codable {
    public var villages: [Village]
    public var grids: [Grid]
    public var gridWorkers: [GridWorker]
    public var departments: [Department]
    public var categories: [Category]
    public init(villages: [Village] = [], grids: [Grid] = [], gridWorkers: [GridWorker] = [],
                departments: [Department] = [], categories: [Category] = []) {
        self.villages = villages; self.grids = grids; self.gridWorkers = gridWorkers
        self.departments = departments; self.categories = categories
    }
}
