/// Roles the gateway forwards (protocol names as raw values).
public enum Role: String, Sendable, Codable, CaseIterable {
    case leader
    case gridWorker = "grid_worker"
    case departmentStaff = "department_staff"
    case liaison
    case canteenOperator = "canteen_operator"
    case employer
    case jobSeeker = "job_seeker"
    case resident
    case admin
    /// The deadline scheduler and other in-process jobs. Sees everything, so the RPC mapping
    /// must never produce it from a forwarded principal (refuse "system" on the wire).
    case system
}

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
