import SwiftProtobuf
import TownshipProtos
import TownshipRPC

extension JobFairService {
    /// Registers a unary method by its generated descriptor; the body runs behind the gate.
    func handle<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ router: inout RPCRouter, _ method: MethodDescriptor<Req, Resp>,
        _ body: @escaping @Sendable (Req, Access) async throws -> Resp
    ) {
        router.unary(method.path, Req.self, Resp.self) { request, context in
            try await serve(context) { access in try await body(request, access) }
        }
    }

    /// A client request id (1 to 64 characters), stored with the caller's user id, so that
    /// two users choosing the same id never get each other's entity back.
    static func clientRequestID(_ value: String, of access: Access) throws -> String {
        guard !value.isEmpty, value.count <= 64 else { throw JobFairError.invalid(field: "client_request_id", "1 to 64 characters") }
        return "\(access.principal.userID)/\(value)"
    }
}
