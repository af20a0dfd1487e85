/// Reference data indexed for the checks every write makes (does this grid belong to that
/// village, does this department handle that category). Built once per reference-data version.
public struct ReferenceCatalog: Sendable {
    public let data: ReferenceData
    let villages: [VillageID: Village]
    let grids: [GridID: Grid]
    let departments: [DepartmentID: Department]
    let categories: [CategoryID: Category]

    public init(_ data: ReferenceData) throws(ReferenceDataError) {
        self.data = data
        var villages: [VillageID: Village] = [:]
        for v in data.villages {
            guard villages.updateValue(v, forKey: v.id) == nil else { throw .duplicateID(kind: "village", id: v.id) }
        }
        var grids: [GridID: Grid] = [:]
        for g in data.grids {
            guard villages[g.villageID] != nil else { throw .unknownReference(kind: "village", id: g.villageID, referencedBy: g.id) }
            guard (1...3).contains(g.level) else { throw .invalid("grid \(g.id) has level \(g.level); levels are 1, 2, 3") }
            guard grids.updateValue(g, forKey: g.id) == nil else { throw .duplicateID(kind: "grid", id: g.id) }
        }
        var workers = Set<UserID>()
        for w in data.gridWorkers {
            guard grids[w.gridID] != nil else { throw .unknownReference(kind: "grid", id: w.gridID, referencedBy: w.userID) }
            guard workers.insert(w.userID).inserted else { throw .duplicateID(kind: "grid worker", id: w.userID) }
        }
        var categories: [CategoryID: Category] = [:]
        for c in data.categories {
            guard categories.updateValue(c, forKey: c.id) == nil else { throw .duplicateID(kind: "category", id: c.id) }
        }
        for c in data.categories {
            if let p = c.parentID, categories[p] == nil { throw .unknownReference(kind: "category", id: p, referencedBy: c.id) }
        }
        var departments: [DepartmentID: Department] = [:]
        for d in data.departments {
            for c in d.categoryIDs where categories[c] == nil {
                throw .unknownReference(kind: "category", id: c, referencedBy: d.id)
            }
            guard departments.updateValue(d, forKey: d.id) == nil else { throw .duplicateID(kind: "department", id: d.id) }
        }
        self.villages = villages; self.grids = grids; self.departments = departments; self.categories = categories
    }

    public func village(_ id: VillageID) -> Village? { villages[id] }
    public func grid(_ id: GridID) -> Grid? { grids[id] }
    public func department(_ id: DepartmentID) -> Department? { departments[id] }
    public func category(_ id: CategoryID) -> Category? { categories[id] }

    /// Checks that a (village, grid) pair names a real place; a ticket's grid must be in its village.
    func validatePlace(villageID: VillageID, gridID: GridID?) throws(IntakeError) {
        guard villages[villageID] != nil else { throw .invalidInput("unknown village '\(villageID)'") }
        if let gridID {
            guard let grid = grids[gridID] else { throw .invalidInput("unknown grid '\(gridID)'") }
            guard grid.villageID == villageID else {
                throw .invalidInput("grid '\(gridID)' belongs to village '\(grid.villageID)', not '\(villageID)'")
            }
        }
    }
}

public enum ReferenceDataError: Error, Equatable, CustomStringConvertible {
    case duplicateID(kind: String, id: String)
    case unknownReference(kind: String, id: String, referencedBy: String)
    case invalid(String)
    public var description: String {
        switch self {
        case .duplicateID(let kind, let id): "reference data: duplicate \(kind) id '\(id)'"
        case .unknownReference(let kind, let id, let by): "reference data: '\(by)' refers to unknown \(kind) '\(id)'"
        case .invalid(let why): "reference data: \(why)"
        }
    }
}
