import SwiftProtobuf

/// How many messages each side of a call sends.
public enum MethodKind: String, Sendable, CaseIterable {
    /// One request, one response.
    case unary
    /// A stream of requests, one response.
    case clientStreaming
    /// One request, a stream of responses.
    case serverStreaming
    /// A stream each way.
    case bidirectionalStreaming

    /// Whether the client may send more than one request message.
    public var clientStreams: Bool { self == .clientStreaming || self == .bidirectionalStreaming }

    /// Whether the server may send more than one response message.
    public var serverStreams: Bool { self == .serverStreaming || self == .bidirectionalStreaming }
}

/// A method's `option idempotency_level` from its proto: whether a call may be sent again
/// (another connection, another endpoint) without asking the caller. Not on the wire.
public enum IdempotencyLevel: String, Sendable, CaseIterable {
    /// No option: the call may change state; retry only with an idempotency key.
    case unknown
    /// `NO_SIDE_EFFECTS`: the method only reads.
    case noSideEffects
    /// `IDEMPOTENT`: a repeat has the same effect as the first call.
    case idempotent

    /// Whether a client may retry the call on its own.
    public var isSafeToRetry: Bool { self != .unknown }
}

/// One method of a Township service, typed by its request and response messages.
///
/// The constants are generated from the schemas (e.g. `Township_Intake_V1_Intake.submitTicket`)
/// so that clients and servers name a method only through them, never by a string literal.
public struct MethodDescriptor<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>: Sendable {
    /// The fully-qualified service name, e.g. "township.intake.v1.Intake".
    public let service: String
    /// The method's own name, e.g. "SubmitTicket".
    public let name: String
    /// The name on the wire, "<service>/<name>", e.g. "township.intake.v1.Intake/SubmitTicket".
    public let path: String
    /// Unary or streaming.
    public let kind: MethodKind
    /// From the proto's `idempotency_level`.
    public let idempotency: IdempotencyLevel

    public init(service: String, name: String, kind: MethodKind, idempotency: IdempotencyLevel = .unknown) {
        self.service = service
        self.name = name
        self.path = "\(service)/\(name)"
        self.kind = kind
        self.idempotency = idempotency
    }

    /// The same method with its message types as values, for tables and routing.
    public var info: MethodDescriptorInfo {
        MethodDescriptorInfo(
            path: path, kind: kind, requestType: Request.self, responseType: Response.self, idempotency: idempotency)
    }
}

/// A method with its message types as values: what a server's routing table holds.
public struct MethodDescriptorInfo: Sendable {
    /// The name on the wire, "<service>/<name>".
    public let path: String
    /// Unary or streaming.
    public let kind: MethodKind
    /// From the proto's `idempotency_level`.
    public let idempotency: IdempotencyLevel
    /// The request message type (decode with `requestType.init(serializedBytes:)`).
    public let requestType: any SwiftProtobuf.Message.Type
    /// The response message type.
    public let responseType: any SwiftProtobuf.Message.Type

    public init(
        path: String,
        kind: MethodKind,
        requestType: any SwiftProtobuf.Message.Type,
        responseType: any SwiftProtobuf.Message.Type,
        idempotency: IdempotencyLevel = .unknown
    ) {
        self.path = path
        self.idempotency = idempotency
        self.kind = kind
        self.requestType = requestType
        self.responseType = responseType
    }
}
