import IntakeCore
import Logging
import TownshipRPC
import TownshipServiceKit

/// The RPC error a caller sees for each error of the intake core (the kit's `ErrorMapping`
/// asks for it). The core's wording is kept: it is written for callers.
extension IntakeError: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        let message = description
        switch self {
        case .invalidInput(let why):
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", message,
                                     violations: [(field: Self.fieldName(in: why), description: why)])
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
