import LiaisonCore
import Logging
import TownshipRPC
import TownshipWire
import TownshipServiceKit

/// The RPC error callers see for each error of the liaison core: its kind picks the status of
/// spec §7.1, its reason and message go into `ErrorDetails` as they are.
extension LiaisonError: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        let status: CallStatus = switch kind {
        case .invalidArgument: .invalidArgument
        case .notFound: .notFound
        case .permissionDenied: .permissionDenied
        case .failedPrecondition: .failedPrecondition
        case .alreadyExists: .alreadyExists
        }
        return ServiceError.make(status, reason: reason, message, violations: field.map { [(field: $0, description: message)] } ?? [])
    }
}

extension LiaisonStore.OpenFailed: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        logger?.error("\(description)")
        return ServiceError.make(.unavailable, reason: "UNAVAILABLE", "the liaison store is unavailable")
    }
}
