import NIOCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC

/// One unary call from the gateway to a backend, the same for every backend: the signed-in
/// user's principal and nothing else goes along, retry safety comes from the method's proto
/// `idempotency_level` (or the caller's idempotency key), and a failure becomes the
/// `GatewayError` the HTTP client sees.
public struct BackendCall<Request: Message, Response: Message>: Sendable {
    public let method: MethodDescriptor<Request, Response>

    public init(_ method: MethodDescriptor<Request, Response>) {
        self.method = method
    }

    /// What goes with the call: the deadline, whether the client may retry it on its own
    /// (NO_SIDE_EFFECTS or IDEMPOTENT in the proto), the idempotency key and the principal.
    func options(for user: GatewayUser, timeout: Duration, idempotencyKey: String?) -> CallOptions {
        CallOptions(
            timeout: timeout, isIdempotent: method.idempotency.isSafeToRetry,
            idempotencyKey: idempotencyKey, principal: user.encodedPrincipal)
    }

    /// Whether the call may be repeated: a read (by the proto) or one with an idempotency key.
    func isRetrySafe(idempotencyKey: String?) -> Bool {
        method.idempotency.isSafeToRetry || idempotencyKey != nil
    }

    /// The call on one of the backend's replicas (another one for a retry), all attempts
    /// within `timeout`.
    public func callAsFunction(
        _ request: Request, on replicas: BackendReplicas, for user: GatewayUser,
        timeout: Duration = .seconds(10), idempotencyKey: String? = nil
    ) async throws -> Response {
        let deadline = ContinuousClock.now + timeout
        do {
            return try await replicas.call(retrySafe: isRetrySafe(idempotencyKey: idempotencyKey)) { client in
                try await attempt(request, on: client, for: user, until: deadline, idempotencyKey: idempotencyKey)
            }
        } catch let error as RPCError {
            throw GatewayError(rpc: error)
        }
    }

    /// The call on one of the backend's replicas, as `callAsFunction`, answering the reply's
    /// encoded bytes: for a caller that reuses what it made of equal bytes before.
    public func replyBytes(
        _ request: Request, on replicas: BackendReplicas, for user: GatewayUser, timeout: Duration = .seconds(10)
    ) async throws -> ByteBuffer {
        let deadline = ContinuousClock.now + timeout
        let payload = ByteBuffer(bytes: try request.serializedBytes() as [UInt8])
        do {
            return try await replicas.call(retrySafe: isRetrySafe(idempotencyKey: nil)) { client in
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { throw RPCError(.deadlineExceeded, "the deadline passed before another replica could be tried") }
                return try await client.unary(method.path, payload, options: options(for: user, timeout: remaining, idempotencyKey: nil))
            }
        } catch let error as RPCError {
            throw GatewayError(rpc: error)
        }
    }

    /// The call on one client of its own (a backend outside `BackendCatalog`, as in the tests).
    public func callAsFunction(
        _ request: Request, on client: RPCClient, for user: GatewayUser,
        timeout: Duration = .seconds(10), idempotencyKey: String? = nil
    ) async throws -> Response {
        do {
            return try await attempt(request, on: client, for: user, until: .now + timeout, idempotencyKey: idempotencyKey)
        } catch let error as RPCError {
            throw GatewayError(rpc: error)
        }
    }

    private func attempt(
        _ request: Request, on client: RPCClient, for user: GatewayUser, until deadline: ContinuousClock.Instant, idempotencyKey: String?
    ) async throws -> Response {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw RPCError(.deadlineExceeded, "the deadline passed before another replica could be tried") }
        return try await client.unary(method.path, request, as: Response.self,
                                      options: options(for: user, timeout: remaining, idempotencyKey: idempotencyKey))
    }
}
