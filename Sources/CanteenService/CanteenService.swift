import CanteenCore
import Foundation
import Logging
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

/// The canteen-meals service on TWP/1: the methods of `township.canteen.v1.CanteenMeals` over
/// a `CanteenStore`. Every call first passes the kit's `CallGate` (caller and forwarded
/// principal); each handler then checks the role against the data (`CanteenAccess`).
public struct CanteenService: Sendable {
    public let store: CanteenStore
    let gate: CallGate
    let logger: Logger

    public init(store: CanteenStore, callerPolicy: CallerPolicy, logger: Logger = Logger(label: "canteen-meals.service")) {
        self.store = store
        self.gate = CallGate(serviceName: "canteen-meals", policy: callerPolicy)
        self.logger = logger
    }

    /// Every method of the service, registered by its generated descriptor.
    public func makeRouter() -> RPCRouter {
        var router = RPCRouter()
        registerElders(&router)
        registerPlaces(&router)
        registerMeals(&router)
        registerSettlements(&router)
        registerFigures(&router)
        return router
    }
}

extension CanteenService {
    /// Registers `body` for `method`: the gate first, then the body with the caller's principal.
    func handle<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ router: inout RPCRouter, _ method: MethodDescriptor<Req, Resp>,
        _ body: @escaping @Sendable (Req, ServicePrincipal) async throws -> Resp
    ) {
        let gate = self.gate
        router.unary(method.path, Req.self, Resp.self) { request, context in
            try await gate.run(context) { principal in try await body(request, principal) }
        }
    }

    /// Runs a store call (SQLite blocks) off the cooperative thread pool.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
