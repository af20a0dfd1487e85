import JobFairCore
import Logging
import TownshipRPC
import TownshipServiceKit

/// What the job-fair service refuses, each with the status and `ErrorDetails.reason` that
/// jobfair.proto lists. Thrown by the store and the handlers; the kit's `ErrorMapping` turns
/// it into the caller's RPC error.
public enum JobFairError: Error, Sendable, Equatable {
    /// Bad input: every field at fault (proto field paths), nothing changed.
    case invalid([ValidationError])
    /// FAIR_NOT_FOUND, ENTERPRISE_NOT_FOUND, POSITION_NOT_FOUND, SEEKER_NOT_FOUND, ROUND_NOT_FOUND.
    case notFound(reason: String, String)
    /// CREDIT_CODE_TAKEN, SEEKER_PROFILE_TAKEN.
    case alreadyExists(reason: String, String)
    case permissionDenied(String)
    /// A move of an offer the state does not allow.
    case invalidTransition(String)
    /// RecordOutcome for a seeker and position that the latest round did not match.
    case notMatched(String)
    /// A RunMatch while another one runs.
    case matchAlreadyRunning
    case cursorMismatch(String)
    /// A count limit of the configuration reached (RESOURCE_EXHAUSTED).
    case tooMany(String)

    static func invalid(field: String, _ message: String) -> JobFairError { .invalid([ValidationError(field: field, message: message)]) }
}

extension JobFairError: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        switch self {
        case .invalid(let errors):
            let text = errors.map(\.description).joined(separator: "; ")
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", "invalid argument: \(text)",
                                     violations: errors.prefix(32).map { (field: $0.field, description: $0.message) })
        case .notFound(let reason, let message):
            return ServiceError.notFound(reason: reason, message)
        case .alreadyExists(let reason, let message):
            return ServiceError.make(.alreadyExists, reason: reason, message)
        case .permissionDenied(let message):
            return ServiceError.permissionDenied(message)
        case .invalidTransition(let message):
            return ServiceError.failedPrecondition(reason: "INVALID_TRANSITION", message)
        case .notMatched(let message):
            return ServiceError.failedPrecondition(reason: "NOT_MATCHED", message)
        case .matchAlreadyRunning:
            return ServiceError.failedPrecondition(reason: "MATCH_ALREADY_RUNNING",
                                                   "a match is already running; this one was refused (not queued): run it again when that one has finished")
        case .tooMany(let message):
            return ServiceError.make(.resourceExhausted, reason: "RESOURCE_EXHAUSTED", message)
        case .cursorMismatch(let message):
            return ServiceError.make(.invalidArgument, reason: "CURSOR_MISMATCH", message, violations: [(field: "page.cursor", description: message)])
        }
    }
}
