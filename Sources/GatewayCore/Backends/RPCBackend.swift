import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// A backend reached over TWP/1, on one or more replicas: every service of the catalogue.
/// Its calls go through `BackendCall` (the user's principal, retry safety from the proto's
/// idempotency level, failures as `GatewayError`) to one of its `BackendReplicas`.
protocol RPCBackend: Backend {
    var replicas: BackendReplicas { get }
}

extension RPCBackend {
    /// Calls `method` on behalf of `user`.
    func call<Request: Message, Response: Message>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, for user: GatewayUser,
        timeout: Duration = .seconds(10), idempotencyKey: String? = nil
    ) async throws -> Response {
        try await BackendCall(method)(request, on: replicas, for: user, timeout: timeout, idempotencyKey: idempotencyKey)
    }
}
