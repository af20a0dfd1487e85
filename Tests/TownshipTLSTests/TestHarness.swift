import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TownshipTLS

enum ObservedEvent: Sendable {
    case handshake(TLSHandshakeCompleted)
    case tlsError(TLSError)
    case otherError(String)
    case closeNotify
    case inactive
}

struct TestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// What one side of the tests saw, shared between the event loop and the test.
final class EventLog: Sendable {
    private let state = Mutex<(events: [ObservedEvent], received: ByteBuffer)>(([], ByteBuffer()))

    func record(_ event: ObservedEvent) {
        state.withLock { $0.events.append(event) }
    }

    func receive(_ bytes: ByteBuffer) {
        var bytes = bytes
        state.withLock { _ = $0.received.writeBuffer(&bytes) }
    }

    var events: [ObservedEvent] { state.withLock { $0.events } }
    var received: ByteBuffer { state.withLock { $0.received } }
    var receivedCount: Int { state.withLock { $0.received.readableBytes } }

    /// Polls until `match` finds an event; fails the wait after `timeout`.
    func first<T>(
        _ what: String,
        timeout: Duration = .seconds(10),
        where match: (ObservedEvent) -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = events.lazy.compactMap(match).first {
                return found
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestTimeout(what: what)
    }

    func handshake(timeout: Duration = .seconds(10)) async throws -> TLSHandshakeCompleted {
        try await first("handshake", timeout: timeout) {
            if case .handshake(let event) = $0 { event } else { nil }
        }
    }

    func tlsError(timeout: Duration = .seconds(10)) async throws -> TLSError {
        try await first("TLS error", timeout: timeout) {
            if case .tlsError(let error) = $0 { error } else { nil }
        }
    }

    func waitForReceived(count: Int, timeout: Duration = .seconds(30)) async throws -> ByteBuffer {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if receivedCount >= count { return received }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestTimeout(what: "\(count) bytes (have \(receivedCount))")
    }

    var sawHandshake: Bool {
        events.contains { if case .handshake = $0 { true } else { false } }
    }
}

/// After the TLS handler: records events, and either echoes plaintext back or keeps it.
final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let log: EventLog
    private let echo: Bool
    private let closeOnError: Bool

    /// - Parameter closeOnError: close the channel from `errorCaught`, as the RPC runtime does.
    init(log: EventLog, echo: Bool, closeOnError: Bool = false) {
        self.log = log
        self.echo = echo
        self.closeOnError = closeOnError
    }

    /// Sent by a client to make the echo server close the connection.
    static let closeRequest = "please-close"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        // TLS is a stream: the request may share a read with what was sent before it.
        if echo, bytes.readableBytesView.reversed().starts(with: Self.closeRequest.utf8.reversed()) {
            if let before = bytes.readSlice(length: bytes.readableBytes - Self.closeRequest.utf8.count), before.readableBytes > 0 {
                context.write(wrapOutboundOut(before), promise: nil)
            }
            context.close(promise: nil)
        } else if echo {
            context.write(wrapOutboundOut(bytes), promise: nil)
        } else {
            log.receive(bytes)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if echo { context.flush() }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let completed as TLSHandshakeCompleted: log.record(.handshake(completed))
        case is TLSCloseNotifyReceived: log.record(.closeNotify)
        default: break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? TLSError {
            log.record(.tlsError(error))
        } else {
            log.record(.otherError(String(describing: error)))
        }
        if closeOnError {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        log.record(.inactive)
        context.fireChannelInactive()
    }
}

/// An echo server on 127.0.0.1 behind `OpenSSLHandler`, taking the newest context of `provider`.
struct EchoServer {
    let channel: any Channel
    let log: EventLog

    var port: Int { channel.localAddress!.port! }

    /// - Parameters:
    ///   - writeOnActive: like the RPC server's HELLO timer, write (during the handshake) a
    ///     message whose failure closes the channel.
    ///   - sendBufferSize: SO_SNDBUF of accepted sockets, to make a non-reading peer block us soon.
    static func start(
        provider: ReloadableTLSContext,
        metrics: TLSMetrics = TLSMetrics(),
        writeOnActive: Bool = false,
        sendBufferSize: Int? = nil,
        closeOnError: Bool = false
    ) async throws -> EchoServer {
        let log = EventLog()
        var bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        if let sendBufferSize {
            bootstrap = bootstrap.childChannelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(sendBufferSize))
        }
        let channel = try await bootstrap
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addTownshipTLSHandler(provider: provider, metrics: metrics)
                    if writeOnActive {
                        try channel.pipeline.syncOperations.addHandler(CloseIfWriteFails())
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        RecordingHandler(log: log, echo: true, closeOnError: closeOnError))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return EchoServer(channel: channel, log: log)
    }

    static func start(
        configuration: TLSConfiguration,
        metrics: TLSMetrics = TLSMetrics(),
        writeOnActive: Bool = false,
        sendBufferSize: Int? = nil,
        closeOnError: Bool = false
    ) async throws -> EchoServer {
        try await start(
            provider: ReloadableTLSContext(configuration: configuration), metrics: metrics,
            writeOnActive: writeOnActive, sendBufferSize: sendBufferSize, closeOnError: closeOnError)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// When the channel becomes active (the TLS handshake has only begun), writes an empty
/// message whose failure closes the channel: the sequence that crashed intake when a silent
/// peer's handshake timed out (the write failed while the handler was failing its queue).
final class CloseIfWriteFails: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer()))
            .assumeIsolated()
            .whenFailure { _ in context.close(promise: nil) }
        context.fireChannelActive()
    }
}

struct TestClient {
    static let tlsHandlerName = "tls"

    let channel: any Channel
    let log: EventLog

    static func connect(
        port: Int,
        context: TLSContext,
        expectedPeerIdentity: String? = nil,
        receiveBufferSize: Int? = nil
    ) async throws -> TestClient {
        let log = EventLog()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let receiveBufferSize {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferSize))
        }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        OpenSSLHandler(context: context, expectedPeerIdentity: expectedPeerIdentity),
                        name: TestClient.tlsHandlerName
                    )
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(log: log, echo: false))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TestClient(channel: channel, log: log)
    }

    static func connect(port: Int, configuration: TLSConfiguration) async throws -> TestClient {
        try await connect(port: port, context: TLSContext(configuration: configuration))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends `message` and waits for the server's echo of it.
    func echo(_ message: String) async throws -> String {
        let before = log.receivedCount
        try await send(Array(message.utf8))
        let received = try await log.waitForReceived(count: before + message.utf8.count)
        return String(buffer: received.getSlice(at: received.readerIndex + before, length: message.utf8.count)!)
    }

    func waitUntilClosed(timeout: Duration = .seconds(10)) async throws {
        try await waitForClose(of: channel, timeout: timeout)
    }
}

func waitForClose(of channel: any Channel, timeout: Duration) async throws {
    let closed = channel.closeFuture
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await closed.get()
            return true
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return false
        }
        let first = try await group.next()!
        group.cancelAll()
        if !first { throw TestTimeout(what: "channel close") }
    }
}
