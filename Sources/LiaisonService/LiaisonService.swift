import Foundation
import LiaisonCore
import Logging
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipRoles
import TownshipServiceKit

/// enterprise-liaison on TWP/1: the methods of `township.liaison.v1.EnterpriseLiaison` over a
/// `LiaisonStore`. The kit's `CallGate` checks the caller and resolves the principal; the
/// principal's role then names who acts (`ProblemActor`), and the core's rules decide.
public struct LiaisonService: Sendable {
    public let store: LiaisonStore
    let clock: any LiaisonClock
    let gate: CallGate
    let limits: LiaisonLimits

    public init(store: LiaisonStore, callerPolicy: CallerPolicy, clock: any LiaisonClock = SystemLiaisonClock(),
                limits: LiaisonLimits = LiaisonLimits()) {
        self.store = store
        self.clock = clock
        self.limits = limits
        self.gate = CallGate(serviceName: "enterprise-liaison", policy: callerPolicy)
    }

    /// Every method, registered by its generated descriptor.
    public func makeRouter() -> RPCRouter {
        var router = RPCRouter()
        registerRegistry(&router)
        registerFieldWork(&router)
        registerProblemList(&router)
        registerFigures(&router)
        return router
    }

    /// Runs `body` as the call's actor; whatever it throws reaches the caller as an RPC error.
    func serve<T>(_ context: RPCContext, _ body: (ProblemActor) async throws -> T) async throws -> T {
        try await gate.run(context) { principal in try await body(try Self.actor(for: principal)) }
    }

    /// `serve` for a mutating method, honouring the call's idempotency key (spec §6): the key,
    /// scoped to the caller's identity, the actor and the method, answers a retry with the first
    /// reply byte for byte without doing the work again; the same key with another request is
    /// INVALID_ARGUMENT. Without a key it is `serve`.
    func serve<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ context: RPCContext, keyed request: Request, _ body: (ProblemActor) async throws -> Response
    ) async throws -> Response {
        try await serve(context) { actor in
            guard let key = context.idempotencyKey, !key.isEmpty else { return try await body(actor) }
            let scope = "\(context.peerIdentity ?? "-") \(actor)"
            let requestBytes: [UInt8] = try request.serializedBytes()
            if let stored = try store.storedReply(scope: scope, method: context.method, key: key) {
                guard stored.request == requestBytes else {
                    throw ServiceError.invalidArgument(field: "idempotency-key", "idempotency key reused with a different request")
                }
                return try Response(serializedBytes: stored.response)
            }
            let response = try await body(actor)
            let first = try await store.storeReply(scope: scope, method: context.method, key: key, request: requestBytes,
                                                   response: try response.serializedBytes(), now: clock.now())
            return try Response(serializedBytes: first)
        }
    }

    /// Who acts for a principal: a liaison as themself, department staff for their
    /// department, leaders and administrators as the zone office. Every other role may do nothing here.
    static func actor(for principal: ServicePrincipal) throws -> ProblemActor {
        switch principal.role {
        case .liaison:
            return .liaison(principal.userID)
        case .departmentStaff:
            guard let department = principal.departmentID else {
                throw ServiceError.permissionDenied("department staff without a department in their principal may not act on the problem list")
            }
            return .department(department, user: principal.userID)
        case .leader, .admin:
            return .office(principal.userID)
        default:
            throw ServiceError.permissionDenied("the \(principal.role.rawValue) role may not use enterprise-liaison")
        }
    }

    static func requireOffice(_ actor: ProblemActor, _ what: String) throws {
        guard case .office = actor else { throw ServiceError.permissionDenied("only the zone office may \(what)") }
    }

    static func requireLiaison(_ actor: ProblemActor, _ what: String) throws -> String {
        guard case .liaison(let id) = actor else { throw ServiceError.permissionDenied("only liaisons \(what)") }
        return id
    }

    /// 1 to 64 printable characters: the key a retry is recognised by.
    static func requestID(_ value: String) throws -> String {
        guard (1...64).contains(value.count), value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ServiceError.invalidArgument(field: "client_request_id", "1 to 64 printable ASCII characters")
        }
        return value
    }
}

/// What one answer may hold (`liaison.maxPageSize`): lists are paged, a caller asking for
/// more gets this many and a cursor.
public struct LiaisonLimits: Sendable {
    /// Largest page of any list. Default 500.
    public var maxPageSize: Int
    /// Page size when the caller names none. Default 100.
    public var defaultPageSize: Int

    public init(maxPageSize: Int = 500, defaultPageSize: Int = 100) {
        self.maxPageSize = maxPageSize
        self.defaultPageSize = defaultPageSize
    }
}

/// The system clock in whole seconds.
public struct SystemLiaisonClock: LiaisonClock {
    public init() {}
    public func now() -> Instant { Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down))) }
}
