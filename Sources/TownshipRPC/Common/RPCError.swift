import NIOCore
import TownshipWire

/// A call's failure as a client sees it and as a handler throws it: the status of spec §7.1,
/// a message for people, and optional encoded `township.common.v1.ErrorDetails`.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public var status: CallStatus
    public var message: String
    public var details: ByteBuffer
    /// True when the server never processed the call (REFUSED, or above a GOAWAY's last id).
    public var wasRefused: Bool

    public init(_ status: CallStatus, _ message: String, details: ByteBuffer = ByteBuffer(), wasRefused: Bool = false) {
        self.status = status
        self.message = message
        self.details = details
        self.wasRefused = wasRefused
    }

    public var description: String { "\(status.name): \(message)" }

    public static func invalidArgument(_ message: String) -> RPCError { RPCError(.invalidArgument, message) }
    public static func notFound(_ message: String) -> RPCError { RPCError(.notFound, message) }
    public static func permissionDenied(_ message: String) -> RPCError { RPCError(.permissionDenied, message) }
    public static func failedPrecondition(_ message: String) -> RPCError { RPCError(.failedPrecondition, message) }
    public static func unavailable(_ message: String) -> RPCError { RPCError(.unavailable, message) }
    public static func unauthenticated(_ message: String) -> RPCError { RPCError(.unauthenticated, message) }
}
