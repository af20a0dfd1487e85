import Logging
import TownshipRPC

/// A domain error that knows the RPC error its callers see (status, reason, message). Each
/// service conforms its core's error type in its service layer.
public protocol RPCErrorConvertible: Error {
    func rpcError(logger: Logger?) -> RPCError
}

/// Turns whatever a handler body throws into the RPC error the caller sees: RPC errors as they
/// are, domain errors by their own mapping, anything unexpected as INTERNAL without details
/// (and logged).
public enum ErrorMapping {
    public static func rpcError(_ error: any Error, logger: Logger? = nil) -> RPCError {
        if let rpc = error as? RPCError { return rpc }
        if error is CancellationError { return RPCError(.cancelled, "the call was cancelled") }
        if let domain = error as? any RPCErrorConvertible { return domain.rpcError(logger: logger) }
        logger?.error("internal error: \(error)")
        return ServiceError.make(.internal, reason: "INTERNAL", "internal error")
    }
}
