import Logging
import NIOCore
import Testing
import TownshipProtos
import TownshipRPC
import TownshipRoles
import TownshipServiceKit
import TownshipWire

/// Who a call runs for (proto-spec §6): the gateway's forwarded user, an admin tool as itself,
/// and a service of `callers.services` as itself on the methods admitted to services only.
@Suite struct PrincipalResolverTests {
    static let gateway = "spiffe://township.local/service/gateway"
    static let liaison = "spiffe://township.local/service/enterprise-liaison"
    static let jobFair = "spiffe://township.local/service/job-fair"
    static let admin = "spiffe://township.local/admin/ops"
    static let submit = "township.intake.v1.Intake/SubmitTicket"
    static let list = "township.intake.v1.Intake/ListTickets"

    static let resolver = PrincipalResolver(
        serviceName: "intake",
        policy: CallerPolicy(allowedCallers: [gateway, "spiffe://township.local/admin/*"], serviceCallers: [liaison]),
        serviceMethods: [submit])

    static func context(_ peer: String?, method: String = submit, principal: Township_Common_V1_Principal? = nil) -> RPCContext {
        let bytes = principal.map { ByteBuffer(bytes: try! $0.serializedBytes() as [UInt8]) }
        return RPCContext(method: method, requestID: 1, peerIdentity: peer, principal: bytes, deadline: nil,
                          traceparent: nil, tracestate: nil, idempotencyKey: nil, logger: Logger(label: "test"))
    }

    static func user(_ id: String, _ role: Township_Common_V1_Role) -> Township_Common_V1_Principal {
        var p = Township_Common_V1_Principal()
        p.userID.value = id
        p.role = role
        return p
    }

    static func status(_ body: () throws -> ServicePrincipal) -> CallStatus? {
        do { _ = try body(); return nil } catch let error as RPCError { return error.status } catch { return .unknown }
    }

    @Test func aListedServiceWithoutAPrincipalActsAsItself() throws {
        let principal = try Self.resolver.principal(for: Self.context(Self.liaison))
        #expect(principal.userID == Self.liaison)
        #expect(principal.isService)
        #expect(!principal.isAdminTool)
        #expect(principal.role == PrincipalResolver.serviceRole)
        #expect(principal.role == .resident)
    }

    @Test func aListedServiceReachesOnlyTheMethodsAdmittedToServices() {
        #expect(Self.status { try Self.resolver.principal(for: Self.context(Self.liaison, method: Self.list)) } == .permissionDenied)
        // A service that admits no service caller refuses every method.
        let closed = PrincipalResolver(serviceName: "job-fair", policy: Self.resolver.policy)
        #expect(Self.status { try closed.principal(for: Self.context(Self.liaison)) } == .permissionDenied)
    }

    @Test func aListedServiceMayNotForwardAPrincipal() {
        let forwarded = Self.context(Self.liaison, principal: Self.user("leader-1", .leader))
        #expect(Self.status { try Self.resolver.principal(for: forwarded) } == .permissionDenied)
    }

    @Test func anUnlistedServiceIsRefusedWithOrWithoutAPrincipal() {
        #expect(Self.status { try Self.resolver.principal(for: Self.context(Self.jobFair)) } == .permissionDenied)
        #expect(Self.status { try Self.resolver.principal(for: Self.context(Self.jobFair, principal: Self.user("a", .admin))) } == .permissionDenied)
        #expect(Self.status { try Self.resolver.principal(for: Self.context(nil)) } == .permissionDenied)
    }

    @Test func theGatewayStillNeedsAPrincipalAndCannotBeListedAsAService() throws {
        #expect(Self.status { try Self.resolver.principal(for: Self.context(Self.gateway)) } == .unauthenticated)
        let user = try Self.resolver.principal(for: Self.context(Self.gateway, method: Self.list, principal: Self.user("leader-1", .leader)))
        #expect(user.role == .leader)
        #expect(!user.isService)
        // Listing the gateway among the services changes nothing: it always forwards a user.
        let listed = PrincipalResolver(serviceName: "intake", policy: CallerPolicy(allowedCallers: [Self.gateway], serviceCallers: [Self.gateway]),
                                       serviceMethods: [Self.submit])
        #expect(Self.status { try listed.principal(for: Self.context(Self.gateway)) } == .unauthenticated)
    }

    @Test func anAdminToolStillActsAsItselfWithTheAdminRole() throws {
        let tool = try Self.resolver.principal(for: Self.context(Self.admin, method: Self.list))
        #expect(tool.role == .admin)
        #expect(tool.isAdminTool)
        #expect(!tool.isService)
    }
}
