import NIOCore
import SwiftProtobuf

/// The kinds of spec §5.
public enum RPCMethodKind: String, Sendable, Hashable {
    case unary
    case serverStreaming = "server-streaming"
    case clientStreaming = "client-streaming"
}

/// One method a server serves, at the level of bytes. The typed builders on `RPCRouter`
/// make these from SwiftProtobuf messages.
public struct RPCMethod: Sendable {
    public let name: String
    public let kind: RPCMethodKind
    let handler: @Sendable (RPCServerCall) async throws -> Void

    public init(name: String, kind: RPCMethodKind, handler: @escaping @Sendable (RPCServerCall) async throws -> Void) {
        self.name = name
        self.kind = kind
        self.handler = handler
    }
}

/// The methods of a server by name. Handlers run on their connection's event loop by
/// default: they may await anything but must not block their thread (see
/// `RPCHandlerExecution` for the rule and the way out).
public struct RPCRouter: Sendable {
    public private(set) var methods: [String: RPCMethod] = [:]

    public init() {}

    public mutating func add(_ method: RPCMethod) {
        precondition(methods[method.name] == nil, "method \(method.name) registered twice")
        methods[method.name] = method
    }

    public mutating func unary<Request: Message, Response: Message>(
        _ name: String, _ request: Request.Type, _ response: Response.Type,
        _ body: @escaping @Sendable (Request, RPCContext) async throws -> Response
    ) {
        add(RPCMethod(name: name, kind: .unary) { call in
            let request = try call.decode(Request.self, from: try await call.requests.first())
            let response = try await body(request, call.context)
            try await call.respond(with: response)
        })
    }

    /// A unary method whose handler returns its reply already encoded (the serialized bytes of
    /// a `Response`), sent as they are: e.g. a reply recorded with an idempotency key, which
    /// would otherwise be decoded only to be encoded again. The handler answers for the bytes.
    public mutating func unary<Request: Message, Response: Message>(
        _ name: String, _ request: Request.Type, encoded response: Response.Type,
        _ body: @escaping @Sendable (Request, RPCContext) async throws -> [UInt8]
    ) {
        add(RPCMethod(name: name, kind: .unary) { call in
            let request = try call.decode(Request.self, from: try await call.requests.first())
            try await call.respond(encoded: try await body(request, call.context))
        })
    }

    public mutating func serverStreaming<Request: Message, Response: Message>(
        _ name: String, _ request: Request.Type, _ response: Response.Type,
        _ body: @escaping @Sendable (Request, RPCResponseWriter<Response>, RPCContext) async throws -> Void
    ) {
        add(RPCMethod(name: name, kind: .serverStreaming) { call in
            let request = try call.decode(Request.self, from: try await call.requests.first())
            try await body(request, RPCResponseWriter(call: call), call.context)
            try await call.endStream()
        })
    }

    public mutating func clientStreaming<Request: Message, Response: Message>(
        _ name: String, _ request: Request.Type, _ response: Response.Type,
        _ body: @escaping @Sendable (RPCRequestStream<Request>, RPCContext) async throws -> Response
    ) {
        add(RPCMethod(name: name, kind: .clientStreaming) { call in
            let response = try await body(RPCRequestStream(call: call), call.context)
            try await call.respond(with: response)
        })
    }
}

/// Sends the messages of a server stream; each `send` waits for credit and for the socket,
/// so a slow reader slows the handler instead of filling memory.
public struct RPCResponseWriter<Response: Message>: Sendable {
    let call: RPCServerCall

    public func send(_ message: Response) async throws {
        try await call.sendMessage(try message.serializedBytes() as [UInt8])
    }
}

/// The messages of a client stream, decoded as they are consumed.
public struct RPCRequestStream<Request: Message>: AsyncSequence, Sendable {
    public typealias Element = Request
    let call: RPCServerCall

    public struct AsyncIterator: AsyncIteratorProtocol {
        let call: RPCServerCall
        public mutating func next() async throws -> Request? {
            guard let bytes = try await call.requests.next() else { return nil }
            return try call.decode(Request.self, from: bytes)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(call: call) }
}
