import NIOCore
import TownshipProtos
import TownshipRoles

/// The roles of the suite, by the names used in the HTTP API and the users database: the
/// generated `TownshipRole` (declared once, in principal.proto). Users sign in with its
/// `userRoles`; `system` is never a user's role (the store refuses it).
public typealias GatewayRole = TownshipRole

extension TownshipRole {
    /// The role in a forwarded principal (the one mapping, `TownshipRole+Proto.swift`).
    public var protoRole: Township_Common_V1_Role { Township_Common_V1_Role(self) }
}

/// A user as stored by the gateway. The principal sent to the services is derived from this
/// record only, never from anything a client sends, so it can never be widened.
public struct GatewayUser: Sendable, Hashable, Codable {
    public var id: String
    public var login: String
    public var displayName: String
    public var role: GatewayRole
    /// For grid workers.
    public var gridID: String?
    /// For department staff.
    public var departmentID: String?
    /// The village the user belongs to or serves.
    public var villageID: String?

    public init(
        id: String, login: String, displayName: String, role: GatewayRole,
        gridID: String? = nil, departmentID: String? = nil, villageID: String? = nil
    ) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.role = role
        self.gridID = gridID
        self.departmentID = departmentID
        self.villageID = villageID
    }

    /// The `township.common.v1.Principal` for this user; scope fields only where the role has them.
    public var principal: Township_Common_V1_Principal {
        var principal = Township_Common_V1_Principal()
        principal.userID.value = id
        principal.displayName = displayName
        principal.role = role.protoRole
        if role == .gridWorker, let gridID { principal.gridID.value = gridID }
        if role == .departmentStaff, let departmentID { principal.departmentID.value = departmentID }
        if let villageID { principal.villageID.value = villageID }
        return principal
    }

    /// The principal encoded for the TWP/1 metadata.
    public var encodedPrincipal: ByteBuffer {
        // Encoding a message built from plain strings cannot fail.
        let bytes: [UInt8] = (try? principal.serializedBytes()) ?? []
        return ByteBuffer(bytes: bytes)
    }
}
