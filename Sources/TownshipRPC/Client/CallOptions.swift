import NIOCore
import TownshipWire

/// Per-call settings a caller chooses.
public struct CallOptions: Sendable {
    /// The whole call, retries included, must finish within this.
    public var timeout: Duration?
    /// The method may run twice without harm, so failures that may have been processed
    /// (UNAVAILABLE after sending, RESOURCE_EXHAUSTED, ABORTED) can be retried.
    public var isIdempotent: Bool
    /// Makes a non-idempotent call safe to retry (spec §6).
    public var idempotencyKey: String?
    /// The end user's encoded `township.common.v1.Principal`.
    public var principal: ByteBuffer?
    /// Defaults to the trace of the call being served, if any (`RPCTraceContext`).
    public var traceparent: String?
    public var tracestate: String?

    public init(
        timeout: Duration? = .seconds(30), isIdempotent: Bool = false, idempotencyKey: String? = nil,
        principal: ByteBuffer? = nil, traceparent: String? = nil, tracestate: String? = nil
    ) {
        self.timeout = timeout
        self.isIdempotent = isIdempotent
        self.idempotencyKey = idempotencyKey
        self.principal = principal
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    var metadata: [MetadataEntry] {
        var entries: [MetadataEntry] = []
        if let traceparent = traceparent ?? RPCTraceContext.traceparent { entries.append(MetadataEntry(key: .traceparent, value: traceparent)) }
        if let tracestate = tracestate ?? RPCTraceContext.tracestate { entries.append(MetadataEntry(key: .tracestate, value: tracestate)) }
        if let idempotencyKey { entries.append(MetadataEntry(key: .idempotencyKey, value: idempotencyKey)) }
        if let principal { entries.append(MetadataEntry(key: MetadataKey.principal.rawValue, value: principal)) }
        return entries
    }
}
