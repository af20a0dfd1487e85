import Foundation
import Logging
import TownshipRPC
import TownshipServiceKit

/// The job-fair service on TWP/1: the methods of `township.jobfair.v1.JobFair` over a
/// `JobFairStore`. Every call first resolves the end-user principal (the kit's `CallGate`);
/// `Access` then decides, from the role and what the store says the user manages or owns,
/// what that principal may see and do (jobfair.proto, WHO MAY DO WHAT).
public struct JobFairService: Sendable {
    public let store: JobFairStore
    let gate: CallGate
    let mapping: EntityMapping
    let logger: Logger

    public init(store: JobFairStore, callerPolicy: CallerPolicy, logger: Logger = Logger(label: "job-fair.service")) {
        self.store = store
        self.gate = CallGate(serviceName: "job-fair", policy: callerPolicy)
        self.mapping = EntityMapping(limits: store.limits)
        self.logger = logger
    }

    /// Every method of the service, registered by its generated descriptor.
    public func makeRouter() -> RPCRouter {
        var router = RPCRouter()
        registerCatalogue(&router)
        registerSeekers(&router)
        registerRankings(&router)
        registerRounds(&router)
        return router
    }

    /// Runs `body` for the call's principal; whatever it throws reaches the caller as an RPC error.
    func serve<T>(_ context: RPCContext, _ body: (Access) async throws -> T) async throws -> T {
        try await gate.run(context) { principal in try await body(Access(principal: principal, store: store)) }
    }
}
