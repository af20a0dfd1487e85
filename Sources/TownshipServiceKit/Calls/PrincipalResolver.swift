import NIOCore
import TownshipCatalogue
import TownshipProtos
import TownshipRPC
import TownshipRoles

/// Who a call runs for: the end user the gateway forwarded, checked before any handler runs.
/// A caller not allowed, or a principal forwarded by anyone but the gateway, is refused with
/// PERMISSION_DENIED, and so is a principal without a role; a missing or unreadable principal
/// (or one without a user id) with UNAUTHENTICATED, except that an admin tool calling without
/// one acts as itself with the admin role, and a service of `callers.services` acts as itself
/// with `serviceRole`, on the methods of `serviceMethods` only.
public struct PrincipalResolver: Sendable {
    public let serviceName: String
    public let policy: CallerPolicy
    /// The methods (wire paths) a service acting as itself may call; every other one is
    /// PERMISSION_DENIED for it. Empty (the default): the service admits no service caller.
    public let serviceMethods: Set<String>

    /// The role a service acting as itself holds: `resident`, the role that grants least in
    /// the suite. What a resident may do anywhere is limited to records they made themselves
    /// (intake: file a ticket as themselves, read the tickets they filed; the other services
    /// nothing), so a calling service gets no reach over anyone else's data from its role,
    /// and whatever more a service grants it, it grants by name (`serviceMethods`). `admin`
    /// or `system` would hand it everything; `liaison` or `department_staff` would let it act
    /// as a person of that office. The principal says it is a service (`isService`), so no
    /// handler mistakes it for a signed-in resident.
    public static let serviceRole: TownshipRole = .resident

    public static let maxPrincipalBytes = 4096
    public static let adminIdentityPrefix = "spiffe://\(ServiceCatalogue.trustDomain)/admin/"

    public init(serviceName: String, policy: CallerPolicy, serviceMethods: Set<String> = []) {
        self.serviceName = serviceName
        self.policy = policy
        self.serviceMethods = serviceMethods
    }

    public func principal(for context: RPCContext) throws -> ServicePrincipal {
        let caller = context.peerIdentity ?? "an unidentified peer"
        guard policy.allows(context.peerIdentity) else {
            throw ServiceError.permissionDenied("caller \(caller) is not allowed to call \(serviceName) (callers.allowed)")
        }
        guard let encoded = context.principal else {
            // An operator's tool (`township call`) acts as itself, with the admin role; every
            // other caller acts for an end user it must name.
            if let identity = context.peerIdentity, identity.hasPrefix(Self.adminIdentityPrefix) {
                return ServicePrincipal(userID: identity, role: .admin, isAdminTool: true)
            }
            // A service of `callers.services` acts as itself, on the methods admitted to services.
            if let identity = context.peerIdentity, policy.isServiceCaller(identity) {
                guard serviceMethods.contains(context.method) else {
                    throw ServiceError.permissionDenied("service \(identity) acting as itself may not call \(context.method) on \(serviceName)")
                }
                return ServicePrincipal(userID: identity, role: Self.serviceRole, isService: true)
            }
            throw ServiceError.unauthenticated("no end-user principal was forwarded with the call")
        }
        guard policy.mayForwardPrincipal(context.peerIdentity) else {
            throw ServiceError.permissionDenied("caller \(caller) may not forward an end-user principal: only the gateway does")
        }
        guard encoded.readableBytes <= Self.maxPrincipalBytes else {
            throw ServiceError.unauthenticated("the forwarded principal exceeds \(Self.maxPrincipalBytes) bytes")
        }
        let wire: Township_Common_V1_Principal
        do {
            wire = try Township_Common_V1_Principal(serializedBytes: Array(encoded.readableBytesView))
        } catch {
            throw ServiceError.unauthenticated("the forwarded principal is not a valid township.common.v1.Principal")
        }
        return try Self.map(wire)
    }

    public static func map(_ wire: Township_Common_V1_Principal) throws -> ServicePrincipal {
        let userID = wire.userID.value
        guard !userID.isEmpty, userID.count <= 128 else {
            throw ServiceError.unauthenticated("the forwarded principal has no valid user id")
        }
        // A principal that parses but has no usable role names a user who may do nothing
        // (principal.proto: ROLE_UNSPECIFIED is PERMISSION_DENIED), not an unknown one.
        guard let role = TownshipRole(wire.role) else {
            throw ServiceError.permissionDenied("the forwarded principal has no role (ROLE_UNSPECIFIED or unknown): it may do nothing")
        }
        func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
        return ServicePrincipal(userID: userID, role: role, gridID: nonEmpty(wire.gridID.value),
                                departmentID: nonEmpty(wire.departmentID.value), villageID: nonEmpty(wire.villageID.value))
    }
}
