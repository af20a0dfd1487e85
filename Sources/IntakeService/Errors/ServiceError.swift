import Foundation
import IntakeCore
import Logging
import NIOCore
import TownshipProtos
import TownshipRPC
import TownshipWire

/// Builds the RPC errors of this service: a status of spec §7.1, a message for people, and
/// `ErrorDetails` whose `reason` is one the intake proto lists.
enum ServiceError {
    static func make(_ status: CallStatus, reason: String, _ message: String,
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

    static func invalidArgument(field: String, _ description: String) -> RPCError {
        make(.invalidArgument, reason: "INVALID_ARGUMENT", "invalid argument: \(field): \(description)",
             violations: [(field, description)])
    }

    static func permissionDenied(_ message: String) -> RPCError {
        make(.permissionDenied, reason: "PERMISSION_DENIED", message)
    }

    static func unauthenticated(_ message: String) -> RPCError {
        make(.unauthenticated, reason: "UNAUTHENTICATED", message)
    }

    static func notFound(reason: String, _ message: String) -> RPCError {
        make(.notFound, reason: reason, message)
    }
}

/// Turns whatever a handler body throws into the RPC error the caller sees. Errors of the
/// intake core keep their wording (it is written for callers); anything unexpected becomes
/// INTERNAL without leaking details, and is logged.
enum ErrorMapping {
    static func rpcError(_ error: any Error, logger: Logger? = nil) -> RPCError {
        if let rpc = error as? RPCError { return rpc }
        if error is CancellationError { return RPCError(.cancelled, "the call was cancelled") }
        guard let intake = error as? IntakeError else {
            logger?.error("internal error: \(error)")
            return ServiceError.make(.internal, reason: "INTERNAL", "internal error")
        }
        let message = intake.description
        switch intake {
        case .invalidInput(let why):
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", message,
                                     violations: [(field: fieldName(in: why), description: why)])
        case .notFound(let what):
            return ServiceError.notFound(reason: what.hasPrefix("attachment") ? "ATTACHMENT_NOT_FOUND" : "TICKET_NOT_FOUND", message)
        case .permissionDenied:
            return ServiceError.permissionDenied(message)
        case .illegalTransition:
            return ServiceError.make(.failedPrecondition, reason: "INVALID_TRANSITION", message)
        case .invalidCursor(let why):
            return ServiceError.make(.invalidArgument, reason: "CURSOR_MISMATCH", message,
                                     violations: [(field: "page.cursor", description: why)])
        case .referenceData:
            return ServiceError.make(.invalidArgument, reason: "REFERENCE_NOT_FOUND", message)
        case .versionMismatch:
            return ServiceError.make(.aborted, reason: "TICKET_VERSION_MISMATCH", message)
        case .unavailable:
            logger?.warning("write not stored, caller told to retry: \(message)")
            return ServiceError.make(.unavailable, reason: "UNAVAILABLE", message)
        case .overloaded:
            return ServiceError.make(.resourceExhausted, reason: "RESOURCE_EXHAUSTED", message)
        case .attachment(let a):
            switch a {
            case .tooLarge, .chunkTooLarge, .exceedsDeclaredSize:
                return ServiceError.make(.invalidArgument, reason: "ATTACHMENT_TOO_LARGE", message)
            case .sizeMismatch:
                return ServiceError.make(.invalidArgument, reason: "ATTACHMENT_SIZE_MISMATCH", message)
            case .hashMismatch:
                return ServiceError.make(.invalidArgument, reason: "ATTACHMENT_DIGEST_MISMATCH", message)
            case .unsupportedMediaType:
                return ServiceError.make(.invalidArgument, reason: "ATTACHMENT_MEDIA_TYPE_NOT_ALLOWED", message,
                                         violations: [(field: "metadata.media_type", description: message)])
            case .invalidFileName:
                return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", message,
                                         violations: [(field: "metadata.file_name", description: message)])
            case .unknownSession:
                return ServiceError.make(.failedPrecondition, reason: "UPLOAD_PROTOCOL_VIOLATION", message)
            case .tooManySessions, .tooManyUnclaimed:
                return ServiceError.make(.resourceExhausted, reason: "RESOURCE_EXHAUSTED", message)
            case .ioFailure:
                logger?.error("attachment storage failure: \(message)")
                return ServiceError.make(.internal, reason: "INTERNAL", "attachment storage failure")
            }
        }
    }

    /// The core names the offending field first in most messages ("description is empty").
    private static func fieldName(in why: String) -> String {
        let known = ["description", "reporter name", "reporter phone", "address", "coordinates", "note", "comment",
                     "client_request_id", "offset", "limit", "position", "declared size"]
        for name in known where why.hasPrefix(name) { return name.replacingOccurrences(of: " ", with: ".") }
        return "request"
    }
}
