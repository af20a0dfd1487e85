import TownshipRoles

/// The one mapping between the suite's role type and the protobuf enum, by proto number (both
/// are generated from enum Role of principal.proto, so neither lists the roles by hand).
extension Township_Common_V1_Role {
    /// `.unspecified` for nil and for `system`, which never goes on the wire.
    public init(_ role: TownshipRole?) {
        self = role?.protoNumber.flatMap { Township_Common_V1_Role(rawValue: $0) } ?? .unspecified
    }
}

extension TownshipRole {
    /// nil for ROLE_UNSPECIFIED and for numbers this build does not know.
    public init?(_ role: Township_Common_V1_Role) {
        self.init(protoNumber: role.rawValue)
    }
}
