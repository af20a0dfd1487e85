import CanteenCore
import Logging
import TownshipRPC
import TownshipServiceKit

// The canteen core's errors as callers see them. The core's wording names the field first.

extension ResidentIDError: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", description,
                          violations: [(field: Self.field, description: description)])
    }
}

extension EligibilityError: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        switch self {
        case .underAge:
            return ServiceError.make(.failedPrecondition, reason: "ELDER_UNDER_AGE", description)
        case .ended:
            return ServiceError.make(.failedPrecondition, reason: "ELIGIBILITY_ENDED", description)
        case .negativeAmount(let field, _):
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", description, violations: [(field, description)])
        case .negativePrice:
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", description,
                                     violations: [("menu.meal_price", description)])
        }
    }
}

extension SitingError: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        switch self {
        case .kExceedsCandidates, .negativeK:
            return ServiceError.make(.invalidArgument, reason: "K_EXCEEDS_CANDIDATES", description, violations: [("k", description)])
        case .tooMuchCoverage, .tooManyPoints:
            return ServiceError.make(.resourceExhausted, reason: "SITING_TOO_LARGE", description)
        case .invalidRadius:
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", description, violations: [("reach", description)])
        case .invalidCoordinate(let field, let index):
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", description,
                                     violations: [("\(field)[\(index)]", description)])
        case .weightsCount, .negativeWeight, .weightTooLarge:
            logger?.error("siting weights inconsistent: \(description)")
            return ServiceError.make(.internal, reason: "INTERNAL", "internal error")
        }
    }
}

extension CoverageError: RPCErrorConvertible {
    public func rpcError(logger: Logger?) -> RPCError {
        switch self {
        case .invalidSetting(let field, _):
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", description, violations: [(field, description)])
        case .invalidCoordinate(let field, let index):
            return ServiceError.make(.invalidArgument, reason: "INVALID_ARGUMENT", description,
                                     violations: [("\(field)[\(index)]", description)])
        }
    }
}
