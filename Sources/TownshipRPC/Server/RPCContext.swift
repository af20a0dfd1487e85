import Logging
import NIOCore

/// What a handler knows about the call it serves.
public struct RPCContext: Sendable {
    public let method: String
    public let requestID: UInt32
    /// The calling service's SPIFFE identity, from its certificate.
    public let peerIdentity: String?
    /// The end user's encoded `township.common.v1.Principal`, as forwarded by a trusted caller.
    public let principal: ByteBuffer?
    public let deadline: ContinuousClock.Instant?
    public let traceparent: String?
    public let tracestate: String?
    public let idempotencyKey: String?
    public var logger: Logger
    /// Raised when the server starts draining this call's connection.
    public let drain: DrainSignal

    public init(method: String, requestID: UInt32, peerIdentity: String?, principal: ByteBuffer?, deadline: ContinuousClock.Instant?,
                traceparent: String?, tracestate: String?, idempotencyKey: String?, logger: Logger, drain: DrainSignal = DrainSignal()) {
        self.method = method; self.requestID = requestID; self.peerIdentity = peerIdentity; self.principal = principal
        self.deadline = deadline; self.traceparent = traceparent; self.tracestate = tracestate
        self.idempotencyKey = idempotencyKey; self.logger = logger; self.drain = drain
    }
}

/// The trace context of the call a task is serving; clients started inside a handler send it
/// on, so a trace crosses services with no code in the handlers.
public enum RPCTraceContext {
    @TaskLocal public static var traceparent: String?
    @TaskLocal public static var tracestate: String?
}
