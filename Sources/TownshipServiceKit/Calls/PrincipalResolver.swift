import NIOCore
import TownshipCatalogue
import TownshipProtos
import TownshipRPC
import TownshipRoles

/// Who a call runs for: the end user the gateway forwarded, checked before any handler runs.
/// A caller not allowed, or a principal forwarded by anyone but the gateway, is refused with
/// PERMISSION_DENIED, and so is a principal without a role; a missing or unreadable principal
/// (or one without a user id) with UNAUTHENTICATED, except that an admin tool calling without
/// one acts as itself with the admin role.
public struct PrincipalResolver: Sendable {
    public let serviceName: String
    public let policy: CallerPolicy

    public static let maxPrincipalBytes = 4096
    public static let adminIdentityPrefix = "spiffe://\(ServiceCatalogue.trustDomain)/admin/"

    public init(serviceName: String, policy: CallerPolicy) {
        self.serviceName = serviceName
        self.policy = policy
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
