import Logging
import NIOCore

/// TLS 1.3 over the system OpenSSL as a NIO handler: ciphertext `ByteBuffer`s in from the
/// socket, plaintext `ByteBuffer`s out to the next handler, and the reverse on writes.
///
/// - Writes made before the handshake completes are buffered and sent after it.
/// - Each `flush` becomes one batch of SSL_write calls and one socket write.
/// - Fires `TLSHandshakeCompleted` (user inbound event) after the handshake and our checks.
/// - Failures are fired as `TLSError` through `errorCaught`, then the channel is closed.
/// - `close` sends close_notify, then closes the socket. A peer's close_notify fires
///   `TLSCloseNotifyReceived`, is answered, and closes the channel.
///
/// Not Sendable: use it on its channel's event loop only.
public final class OpenSSLHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case handshaking
        case active
        /// Our close_notify is on its way; the socket closes once it is written.
        case closing
        case closed
    }

    private let tlsContext: TLSContext
    private let expectedPeerIdentity: String?
    private let sessionCacheKey: String?
    private let logger: Logger
    private let metrics: TLSMetrics
    private var connection: SSLConnection?
    private var state = State.idle
    private var pendingWrites = PendingWrites()
    private var handshakeTimeout: Scheduled<Void>?

    /// - Parameters:
    ///   - expectedPeerIdentity: clients: overrides the configuration's expected server identity.
    ///   - sessionCacheKey: clients: the endpoint sessions are cached under; defaults to the
    ///     expected identity plus the remote address.
    public init(
        context: TLSContext,
        expectedPeerIdentity: String? = nil,
        sessionCacheKey: String? = nil,
        logger: Logger = Logger(label: "township.tls"),
        metrics: TLSMetrics = TLSMetrics()
    ) {
        self.tlsContext = context
        self.expectedPeerIdentity = context.configuration.role == .client
            ? (expectedPeerIdentity ?? context.configuration.expectedServerIdentity)
            : expectedPeerIdentity
        self.sessionCacheKey = sessionCacheKey
        self.logger = logger
        self.metrics = metrics
    }

    private var role: TLSRole { tlsContext.configuration.role }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        connection = SSLConnection(
            context: tlsContext,
            allocator: context.channel.allocator,
            expectedPeerIdentity: expectedPeerIdentity
        )
        if context.channel.isActive {
            startHandshake(context: context)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        cancelHandshakeTimeout()
        pendingWrites.removeAll().fail(with: ChannelError.ioOnClosedChannel)
        state = .closed
    }

    public func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        startHandshake(context: context)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .idle, .handshaking:
            report(.connectionClosedDuringHandshake, context: context, duringHandshake: true)
        case .active:
            report(.uncleanShutdown, context: context, duringHandshake: false)
        case .closing, .closed:
            break
        }
        state = .closed
        cancelHandshakeTimeout()
        pendingWrites.removeAll().fail(with: ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    private func startHandshake(context: ChannelHandlerContext) {
        guard case .idle = state, let connection else { return }
        state = .handshaking
        if role == .client {
            let endpoint = context.channel.remoteAddress.map { "\($0)" } ?? "unknown"
            connection.useSessionCache(key: sessionCacheKey ?? "\(expectedPeerIdentity ?? "*")@\(endpoint)")
        }
        let timeout = tlsContext.configuration.handshakeTimeout
        handshakeTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            guard case .handshaking = self.state else { return }
            self.fail(.handshakeTimeout, context: context)
        }
        advanceHandshake(context: context)
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection else { return }
        switch state {
        case .idle:
            connection.bio.receive(unwrapInboundIn(data))
            startHandshake(context: context)
        case .handshaking:
            connection.bio.receive(unwrapInboundIn(data))
            advanceHandshake(context: context)
        case .active:
            connection.bio.receive(unwrapInboundIn(data))
            readPlaintext(context: context)
        case .closing, .closed:
            break
        }
    }

    private func advanceHandshake(context: ChannelHandlerContext) {
        guard let connection else { return }
        switch connection.handshake() {
        case .wantsMoreData:
            writeCiphertext(context: context)
        case .failed(let error):
            fail(error, context: context)
        case .complete:
            writeCiphertext(context: context)
            handshakeCompleted(context: context)
        }
    }

    private func handshakeCompleted(context: ChannelHandlerContext) {
        guard let connection else { return }
        cancelHandshakeTimeout()
        switch connection.completedHandshake() {
        case .failure(let error):
            fail(error, context: context)
        case .success(let event):
            state = .active
            metrics.handshakeSucceeded(side: role, resumed: event.resumed)
            logger.debug(
                "TLS handshake completed",
                metadata: [
                    "tls.side": "\(role.rawValue)",
                    "tls.peer": "\(event.peerIdentity ?? "none")",
                    "tls.alpn": "\(event.negotiatedALPN ?? "none")",
                    "tls.resumed": "\(event.resumed)",
                ]
            )
            context.fireUserInboundEventTriggered(event)
            guard case .active = state else { return }
            flushPendingWrites(context: context)
            // Application data may have arrived in the same flight as the last handshake message.
            readPlaintext(context: context)
        }
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        guard let connection else { return }
        while case .active = state {
            let result = connection.read(allocator: context.channel.allocator)
            // Reads can produce ciphertext too (key updates, alerts).
            writeCiphertext(context: context)
            switch result {
            case .data(let plaintext):
                context.fireChannelRead(wrapInboundOut(plaintext))
            case .wantsMoreData:
                return
            case .closeNotify:
                closeNotifyReceived(context: context)
                return
            case .failed(let error):
                fail(error, context: context)
                return
            }
        }
    }

    private func closeNotifyReceived(context: ChannelHandlerContext) {
        logger.debug("TLS close_notify received", metadata: ["tls.side": "\(role.rawValue)"])
        context.fireUserInboundEventTriggered(TLSCloseNotifyReceived())
        guard case .active = state else { return }
        sendCloseNotifyThenClose(context: context, promise: nil)
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state {
        case .closing, .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        case .idle, .handshaking, .active:
            pendingWrites.append(unwrapOutboundIn(data), promise: promise)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        pendingWrites.markFlushed()
        if case .active = state {
            flushPendingWrites(context: context)
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch (state, mode) {
        case (.active, .all), (.active, .output):
            pendingWrites.removeUnflushed().fail(with: ChannelError.ioOnClosedChannel)
            flushPendingWrites(context: context)
            sendCloseNotifyThenClose(context: context, promise: promise)
        case (.idle, .all), (.handshaking, .all):
            state = .closed
            cancelHandshakeTimeout()
            pendingWrites.removeAll().fail(with: ChannelError.ioOnClosedChannel)
            context.close(mode: mode, promise: promise)
        default:
            context.close(mode: mode, promise: promise)
        }
    }

    /// One SSL_write batch and one socket write for everything flushed so far.
    private func flushPendingWrites(context: ChannelHandlerContext) {
        guard let connection, pendingWrites.hasFlushed else { return }
        let batch = pendingWrites.takeFlushed()
        for plaintext in batch.buffers {
            if let error = connection.write(plaintext) {
                batch.fail(with: error)
                fail(error, context: context)
                return
            }
        }
        guard let ciphertext = connection.bio.takeCiphertext() else {
            batch.succeed()
            return
        }
        context.writeAndFlush(wrapOutboundOut(ciphertext), promise: batch.combinedPromise(on: context.eventLoop))
    }

    private func writeCiphertext(context: ChannelHandlerContext) {
        guard let ciphertext = connection?.bio.takeCiphertext() else { return }
        context.writeAndFlush(wrapOutboundOut(ciphertext), promise: nil)
    }

    private func sendCloseNotifyThenClose(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        state = .closing
        connection?.sendCloseNotify()
        guard let ciphertext = connection?.bio.takeCiphertext() else {
            state = .closed
            context.close(promise: promise)
            return
        }
        context.writeAndFlush(wrapOutboundOut(ciphertext)).assumeIsolated().whenComplete { _ in
            self.state = .closed
            context.close(promise: promise)
        }
    }

    // MARK: Failures

    /// Reports `error`, sends whatever alert OpenSSL queued, and closes the channel.
    private func fail(_ error: TLSError, context: ChannelHandlerContext) {
        let duringHandshake: Bool
        switch state {
        case .closed, .closing: return
        case .idle, .handshaking: duringHandshake = true
        case .active: duringHandshake = false
        }
        state = .closed
        cancelHandshakeTimeout()
        pendingWrites.removeAll().fail(with: error)
        report(error, context: context, duringHandshake: duringHandshake)
        if let alert = connection?.bio.takeCiphertext() {
            context.writeAndFlush(wrapOutboundOut(alert)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        } else {
            context.close(promise: nil)
        }
    }

    private func report(_ error: TLSError, context: ChannelHandlerContext, duringHandshake: Bool) {
        if duringHandshake {
            metrics.handshakeFailed(side: role)
        }
        metrics.error(error, side: role)
        logger.warning(
            "TLS connection failed",
            metadata: [
                "tls.side": "\(role.rawValue)",
                "tls.error": "\(error)",
                "tls.reason": "\(error.metricsReason)",
                "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "unknown")",
            ]
        )
        context.fireErrorCaught(error)
    }

    private func cancelHandshakeTimeout() {
        handshakeTimeout?.cancel()
        handshakeTimeout = nil
    }
}

@available(*, unavailable)
extension OpenSSLHandler: Sendable {}
