import TownshipRoles

/// Whom a call runs for, as every service reads it from the forwarded
/// `township.common.v1.Principal` (or an admin tool or a listed service acting as itself). Each domain narrows it
/// to its own principal type; the role is the one generated from principal.proto.
public struct ServicePrincipal: Sendable, Hashable {
    public var userID: String
    public var role: TownshipRole
    public var gridID: String?
    public var departmentID: String?
    public var villageID: String?
    /// True when an admin tool (`township call`) acts as itself, with no end user forwarded.
    public var isAdminTool: Bool
    /// True when a service of `callers.services` acts as itself (userID is its SPIFFE identity,
    /// role `PrincipalResolver.serviceRole`), with no end user forwarded.
    public var isService: Bool

    public init(userID: String, role: TownshipRole, gridID: String? = nil, departmentID: String? = nil,
                villageID: String? = nil, isAdminTool: Bool = false, isService: Bool = false) {
        self.userID = userID
        self.role = role
        self.gridID = gridID
        self.departmentID = departmentID
        self.villageID = villageID
        self.isAdminTool = isAdminTool
        self.isService = isService
    }
}
