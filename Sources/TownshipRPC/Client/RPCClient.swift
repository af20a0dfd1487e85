import Logging
import NIOCore
import NIOPosix
import SwiftProtobuf
import TownshipWire

/// A client of one service with any number of endpoints: one multiplexed connection per
/// endpoint, least-outstanding-requests balancing, ejection of failing endpoints, per-call
/// deadlines, cancellation with the calling task, and retries only where they are safe.
public final class RPCClient: Sendable {
    public let configuration: RPCClientConfiguration
    private let connections: [ClientConnection]
    private let budget: RetryBudget

    public init(
        configuration: RPCClientConfiguration, security: ClientTransportSecurity,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        precondition(!configuration.endpoints.isEmpty, "a client needs at least one endpoint")
        self.configuration = configuration
        self.connections = configuration.endpoints.map {
            ClientConnection(endpoint: $0, configuration: configuration, security: security, group: group)
        }
        self.budget = RetryBudget(configuration.retryBudget)
    }

    /// Closes every connection; calls in flight fail with UNAVAILABLE.
    public func shutdown() async {
        for connection in connections { await connection.shutdown() }
    }

    // MARK: Typed calls

    public func unary<Request: Message, Response: Message>(
        _ method: String, _ request: Request, as response: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) async throws -> Response {
        let bytes = try await unary(method, ByteBuffer(bytes: try request.serializedBytes() as [UInt8]), options: options)
        return try decode(Response.self, bytes)
    }

    public func serverStreaming<Request: Message, Response: Message>(
        _ method: String, _ request: Request, as response: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) -> RPCResponseStream<Response> {
        let payload = (try? ByteBuffer(bytes: request.serializedBytes() as [UInt8])) ?? ByteBuffer()
        return RPCResponseStream(start: { try await self.startStream(method, payload, options: options) }) { bytes in
            try self.decode(Response.self, bytes)
        }
    }

    public func clientStreaming<Requests: AsyncSequence & Sendable, Response: Message>(
        _ method: String, _ requests: Requests, as response: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) async throws -> Response where Requests.Element: Message {
        let encoded = requests.map { ByteBuffer(bytes: try $0.serializedBytes() as [UInt8]) }
        return try decode(Response.self, try await clientStreaming(method, encodedMessages: encoded, options: options))
    }

    // MARK: Calls on bytes

    public func unary(_ method: String, _ request: ByteBuffer, options: CallOptions = CallOptions()) async throws -> ByteBuffer {
        try await perform(method, kind: .unary, payload: request, options: options, retryable: true) { handle, _, _ in
            try await handle.responses.first()
        }
    }

    /// Sends already-encoded messages; each is sent when the server has granted credit.
    public func clientStreaming<Requests: AsyncSequence & Sendable>(
        _ method: String, encodedMessages requests: Requests, options: CallOptions = CallOptions()
    ) async throws -> ByteBuffer where Requests.Element == ByteBuffer {
        try await perform(method, kind: .clientStreaming, payload: ByteBuffer(), options: options, retryable: false) { handle, link, id in
            var messages = requests.makeAsyncIterator()
            sending: while true {
                let next: ByteBuffer?
                do {
                    next = try await messages.next()
                } catch {
                    // The caller's own sequence failed: the server must not wait for the rest.
                    link.cancel(handle)
                    throw error
                }
                guard let message = next else {
                    link.endClientStream(id)
                    break sending
                }
                do {
                    try await link.sendMessage(id, message)
                } catch {
                    // A send fails only when the call has ended (an early answer, an error,
                    // a cancel, a lost connection): the call's outcome is in its responses.
                    break sending
                }
            }
            return try await handle.responses.first()
        }
    }

    /// The server's messages as the consumer asks for them; the call is cancelled if the
    /// consumer stops early.
    public func serverStreaming(_ method: String, _ request: ByteBuffer, options: CallOptions = CallOptions()) -> RPCResponseStream<ByteBuffer> {
        RPCResponseStream(start: { try await self.startStream(method, request, options: options) }) { $0 }
    }

    /// Starts a server stream, retrying only what the server never processed.
    private func startStream(_ method: String, _ request: ByteBuffer, options: CallOptions) async throws -> ActiveResponseStream {
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var attempt = 1
        while true {
            let connection = pick()
            connection.outstanding.add(1, ordering: .relaxed)
            do {
                let (handle, link) = try await startCall(method, kind: .serverStreaming, payload: request, metadata: options.metadata, deadline: deadline, on: connection)
                return ActiveResponseStream(handle: handle, link: link) { connection.outstanding.subtract(1, ordering: .relaxed) }
            } catch let error as RPCError {
                connection.outstanding.subtract(1, ordering: .relaxed)
                guard error.wasRefused, attempt < configuration.maxAttempts, budget.withdraw() else { throw error }
                try await Task.sleep(for: configuration.backoff.delay(attempt: attempt) / 10)
                attempt += 1
            }
        }
    }

    // MARK: The call loop

    private func perform(
        _ method: String, kind: RPCMethodKind, payload: ByteBuffer, options: CallOptions, retryable: Bool,
        _ body: @Sendable (ClientCallHandle, ClientConnectionLink, UInt32) async throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        let metadata = options.metadata
        budget.deposit()
        var attempt = 1
        while true {
            let connection = pick()
            connection.outstanding.add(1, ordering: .relaxed)
            let started = ContinuousClock.now
            do {
                defer { connection.outstanding.subtract(1, ordering: .relaxed) }
                let result = try await attemptCall(method, kind: kind, payload: payload, metadata: metadata, deadline: deadline, on: connection, body)
                RPCMetrics.callFinished(side: "client", method: method, status: .ok, duration: ContinuousClock.now - started)
                return result
            } catch let error as RPCError {
                RPCMetrics.callFinished(side: "client", method: method, status: error.status, duration: ContinuousClock.now - started)
                let safe = error.wasRefused || (options.isIdempotent || options.idempotencyKey != nil) && error.status.isRetryable
                guard retryable, safe, attempt < configuration.maxAttempts, !Task.isCancelled, budget.withdraw() else { throw error }
                let pause = configuration.backoff.delay(attempt: attempt) / 10
                if let deadline, ContinuousClock.now + pause >= deadline { throw error }
                configuration.logger.debug("retrying", metadata: ["method": "\(method)", "attempt": "\(attempt + 1)", "error": "\(error)"])
                try await Task.sleep(for: pause)
                attempt += 1
            }
        }
    }

    private func attemptCall(
        _ method: String, kind: RPCMethodKind, payload: ByteBuffer, metadata: [MetadataEntry],
        deadline: ContinuousClock.Instant?, on connection: ClientConnection,
        _ body: @Sendable (ClientCallHandle, ClientConnectionLink, UInt32) async throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        let link = try await connection.link()
        let handle = ClientCallHandle(method: method, kind: kind)
        // A unary call stays on the connection's loop from REQUEST to answer: the caller
        // crosses threads once each way instead of once per step (start, answer). Streams
        // run the caller's own sequence, which may take its time, so they stay where they are.
        return try await withTaskExecutorPreference(kind == .unary ? link.taskExecutor : nil) {
            try await withTaskCancellationHandler {
                try await link.start(handle, try request(method, payload, metadata, deadline), deadline: deadline)
                guard let id = handle.id else { throw RPCError(.internal, "the call started without an id") }
                return try await body(handle, link, id)
            } onCancel: {
                link.cancel(handle)
            }
        }
    }

    private func startCall(
        _ method: String, kind: RPCMethodKind, payload: ByteBuffer, metadata: [MetadataEntry],
        deadline: ContinuousClock.Instant?, on connection: ClientConnection
    ) async throws -> (ClientCallHandle, ClientConnectionLink) {
        let link = try await connection.link()
        let handle = ClientCallHandle(method: method, kind: kind)
        try await withTaskCancellationHandler {
            try await link.start(handle, try request(method, payload, metadata, deadline), deadline: deadline)
        } onCancel: {
            link.cancel(handle)
        }
        return (handle, link)
    }

    private func request(_ method: String, _ payload: ByteBuffer, _ metadata: [MetadataEntry], _ deadline: ContinuousClock.Instant?) throws -> Request {
        var timeoutMilliseconds: UInt32 = 0
        if let deadline {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw RPCError(.deadlineExceeded, "the deadline passed before the call was sent") }
            timeoutMilliseconds = UInt32(clamping: max(1, remaining.nanoseconds / 1_000_000))
        }
        return Request(timeoutMilliseconds: timeoutMilliseconds, method: method, metadata: metadata, payload: Payload(payload))
    }

    /// The endpoint with the fewest calls in flight, leaving out ejected ones unless all are.
    private func pick() -> ClientConnection {
        if connections.count == 1 { return connections[0] }
        let healthy = connections.filter { !$0.isEjected }
        let candidates = healthy.isEmpty ? connections : healthy
        var best = candidates[0]
        var bestLoad = Int.max
        for connection in candidates.shuffled() {
            let load = connection.outstanding.load(ordering: .relaxed)
            if load < bestLoad {
                best = connection
                bestLoad = load
            }
        }
        return best
    }

    private func decode<M: Message>(_ type: M.Type, _ bytes: ByteBuffer) throws -> M {
        do {
            return try M(serializedBytes: Array(bytes.readableBytesView))
        } catch {
            throw RPCError(.internal, "the server's answer is not a valid \(M.protoMessageName): \(error)")
        }
    }
}
