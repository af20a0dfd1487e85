import Logging
import TownshipRPC
import TownshipWire
import TownshipServiceKit

/// A request the service refuses, with the status and `ErrorDetails.reason` canteen.proto lists
/// for it and, for INVALID_ARGUMENT, the field at fault. Thrown by the store and the handlers;
/// the kit's `ErrorMapping` turns it into the caller's error.
public struct CanteenRefusal: Error, Equatable, Sendable, CustomStringConvertible, RPCErrorConvertible {
    public let status: CallStatus
    public let reason: String
    public let message: String
    public let field: String?

    public init(_ status: CallStatus, _ reason: String, _ message: String, field: String? = nil) {
        self.status = status
        self.reason = reason
        self.message = message
        self.field = field
    }

    public var description: String { "\(reason): \(message)" }

    public func rpcError(logger: Logger?) -> RPCError {
        ServiceError.make(status, reason: reason, message, violations: field.map { [(field: $0, description: message)] } ?? [])
    }

    static func invalid(_ field: String, _ why: String) -> CanteenRefusal {
        CanteenRefusal(.invalidArgument, "INVALID_ARGUMENT", "\(field): \(why)", field: field)
    }
    static func notFound(_ reason: String, _ message: String) -> CanteenRefusal { CanteenRefusal(.notFound, reason, message) }
    static func precondition(_ reason: String, _ message: String) -> CanteenRefusal {
        CanteenRefusal(.failedPrecondition, reason, message)
    }
    static func denied(_ message: String, reason: String = "PERMISSION_DENIED") -> CanteenRefusal {
        CanteenRefusal(.permissionDenied, reason, message)
    }

    static func elderNotFound(_ id: String) -> CanteenRefusal { notFound("ELDER_NOT_FOUND", "elder_id: no elder \(id)") }
    static func canteenNotFound(_ id: String) -> CanteenRefusal { notFound("CANTEEN_NOT_FOUND", "canteen_id: no canteen \(id)") }
}
