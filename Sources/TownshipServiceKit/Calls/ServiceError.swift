import NIOCore
import TownshipProtos
import TownshipRPC
import TownshipWire

/// Builds the RPC errors of every service: a status of spec §7.1, a message for people, and
/// `ErrorDetails` whose `reason` is one the service's proto lists.
public enum ServiceError {
    public static func make(_ status: CallStatus, reason: String, _ message: String,
                            violations: [(field: String, description: String)] = []) -> RPCError {
        var details = Township_Common_V1_ErrorDetails()
        details.reason = reason
        details.fieldViolations = violations.map { v in
            var fv = Township_Common_V1_FieldViolation()
            fv.field = v.field
            fv.description_p = v.description
            return fv
        }
        let bytes = (try? details.serializedBytes() as [UInt8]) ?? []
        return RPCError(status, message, details: ByteBuffer(bytes: bytes))
    }

    public static func invalidArgument(field: String, _ description: String) -> RPCError {
        make(.invalidArgument, reason: "INVALID_ARGUMENT", "invalid argument: \(field): \(description)",
             violations: [(field, description)])
    }

    public static func permissionDenied(_ message: String) -> RPCError {
        make(.permissionDenied, reason: "PERMISSION_DENIED", message)
    }

    public static func unauthenticated(_ message: String) -> RPCError {
        make(.unauthenticated, reason: "UNAUTHENTICATED", message)
    }

    public static func notFound(reason: String, _ message: String) -> RPCError {
        make(.notFound, reason: reason, message)
    }

    public static func failedPrecondition(reason: String, _ message: String) -> RPCError {
        make(.failedPrecondition, reason: reason, message)
    }
}
