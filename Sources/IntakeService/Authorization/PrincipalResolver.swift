import IntakeCore
import NIOCore
import TownshipProtos
import TownshipRPC

/// Who a call runs for: the end user the gateway forwarded, checked before any handler runs.
/// A caller not allowed, or a principal forwarded by anyone but the gateway, is refused with
/// PERMISSION_DENIED, and so is a principal without a role; a missing or unreadable principal
/// (or one without a user id) with UNAUTHENTICATED, except that an admin tool calling without
/// one acts as itself with the admin role.
struct PrincipalResolver: Sendable {
    let policy: CallerPolicy

    static let maxPrincipalBytes = 4096
    static let adminIdentityPrefix = "spiffe://township.local/admin/"

    func principal(for context: RPCContext) throws -> IntakeCore.Principal {
        let caller = context.peerIdentity ?? "an unidentified peer"
        guard policy.allows(context.peerIdentity) else {
            throw ServiceError.permissionDenied("caller \(caller) is not allowed to call intake (callers.allowed)")
        }
        guard let encoded = context.principal else {
            // An operator's tool (`township call`) acts as itself, with the admin role; every
            // other caller acts for an end user it must name.
            if let identity = context.peerIdentity, identity.hasPrefix(Self.adminIdentityPrefix) {
                return IntakeCore.Principal(userID: identity, role: .admin)
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

    static func map(_ wire: Township_Common_V1_Principal) throws -> IntakeCore.Principal {
        let userID = wire.userID.value
        guard !userID.isEmpty, userID.count <= 128 else {
            throw ServiceError.unauthenticated("the forwarded principal has no valid user id")
        }
        // A principal that parses but has no usable role names a user who may do nothing
        // (principal.proto: ROLE_UNSPECIFIED is PERMISSION_DENIED), not an unknown one.
        guard let role = ProtoEnums.role(wire.role) else {
            throw ServiceError.permissionDenied("the forwarded principal has no role (ROLE_UNSPECIFIED or unknown): it may do nothing")
        }
        func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
        return IntakeCore.Principal(userID: userID, role: role, gridID: nonEmpty(wire.gridID.value),
                                    departmentID: nonEmpty(wire.departmentID.value), villageID: nonEmpty(wire.villageID.value))
    }
}
