import TownshipRoles

/// The suite's roles, declared once in principal.proto and generated (`TownshipRoles`). Its
/// `system` case is the deadline scheduler and other in-process jobs: it sees everything, and
/// has no proto number, so no forwarded principal can carry it.
public typealias Role = TownshipRole

/// The end user on whose behalf an operation runs. Passed to every store operation.
public struct Principal: Sendable, Hashable, Codable {
    public var userID: UserID
    public var role: Role
    public var gridID: GridID?
    public var departmentID: DepartmentID?
    public var villageID: VillageID?
    public init(userID: UserID, role: Role, gridID: GridID? = nil, departmentID: DepartmentID? = nil, villageID: VillageID? = nil) {
        self.userID = userID; self.role = role; self.gridID = gridID; self.departmentID = departmentID; self.villageID = villageID
    }

    public static let scheduler = Principal(userID: "system:deadline-scheduler", role: .system)
}
