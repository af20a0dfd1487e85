import Logging
import NIOCore

/// TLS 1.3 over the system OpenSSL as a NIO handler: ciphertext `ByteBuffer`s in from the
/// socket, plaintext `ByteBuffer`s out to the next handler, and the reverse on writes.
///
/// - Writes made before the handshake completes are buffered and sent after it.
/// - Each `flush` becomes one batch of SSL_write calls and one socket write.
/// - Fires `TLSHandshakeCompleted` (user inbound event) after the handshake and our checks.
/// - Failures are fired as `TLSError` through `errorCaught`; then the alert OpenSSL chose
///   (or, after the handshake, close_notify) is sent and the channel is closed.
/// - `close` sends close_notify, then closes the socket once it is written, or after the
///   configuration's `closeTimeout` if the peer does not read. `close(mode: .output)` shuts
///   only the TCP output after close_notify and reads on (at most `closeTimeout`); `.input`
///   is refused. A peer's close_notify fires `TLSCloseNotifyReceived`, is answered, and
///   closes the channel.
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
        /// Our last TLS bytes (close_notify, or the alert OpenSSL chose on a failure) are on
        /// their way; the socket closes (`mode`) once they are written or the close timeout fires.
        case closing(CloseMode)
        /// `close(mode: .output)` done: close_notify sent and the TCP output shut. Reading goes
        /// on until the peer's close_notify or end of input, at most the close timeout; then
        /// the socket is closed.
        case outputClosed
        case closed
    }

    private let tlsContext: TLSContext
    private let expectedPeerIdentity: String?
    private let sessionCacheKey: String?
    private let logger: Logger
    private let metrics: TLSMetrics
    private var connection: SSLConnection?
    private var state = State.idle
    /// Whether the peer sent anything at all (a connection closed before that is a probe).
    private var receivedAnyBytes = false
    private var pendingWrites = PendingWrites()
    private var handshakeTimeout: Scheduled<Void>?
    private var closeTimeout: Scheduled<Void>?
    /// Completed when the socket is closed; every `close` made while closing joins it.
    private var closePromise: EventLoopPromise<Void>?

    // Re-entrancy: promise callbacks, fire* calls, context.write/close and timers can call
    // back into this handler (a write's callback closes the channel, an errorCaught handler
    // closes it, a failed socket write makes it inactive). So every method first settles
    // `state`, the timers and the queues, and only then calls out; every entry point and
    // every step after a call-out re-checks `state`.

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
        state = .closed
        cancelTimers()
        let dropped = pendingWrites.removeAll()
        let closePromise = takeClosePromise()
        dropped.fail(with: ChannelError.ioOnClosedChannel)
        closePromise?.fail(ChannelError.ioOnClosedChannel)
    }

    public func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        startHandshake(context: context)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let previous = state
        state = .closed
        cancelTimers()
        let dropped = pendingWrites.removeAll()
        let closePromise = takeClosePromise()
        switch previous {
        case .idle, .handshaking:
            // A peer that closes before sending a byte is a port probe or a health check
            // (`township up` waits for each service's port that way): counted, not warned about.
            report(.connectionClosedDuringHandshake, context: context, duringHandshake: true, level: receivedAnyBytes ? .warning : .debug)
        case .active:
            report(.uncleanShutdown, context: context, duringHandshake: false)
        case .closing, .outputClosed, .closed:
            break
        }
        dropped.fail(with: ChannelError.ioOnClosedChannel)
        // The socket is closed, which is what every close asked for.
        closePromise?.succeed()
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
        receivedAnyBytes = true
        switch state {
        case .idle:
            connection.bio.receive(unwrapInboundIn(data))
            startHandshake(context: context)
        case .handshaking:
            connection.bio.receive(unwrapInboundIn(data))
            advanceHandshake(context: context)
        case .active, .outputClosed:
            connection.bio.receive(unwrapInboundIn(data))
            readPlaintext(context: context)
        case .closing, .closed:
            break
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // With remote half-closure allowed, the peer's FIN is an event, not a close.
        if case .outputClosed = state, let event = event as? ChannelEvent, event == .inputClosed {
            closeAfterOutputClosed(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func advanceHandshake(context: ChannelHandlerContext) {
        guard let connection else { return }
        switch connection.handshake() {
        case .wantsMoreData:
            writeCiphertext(context: context)
        case .failed(let error):
            // The alert OpenSSL chose is in the BIO; `fail` sends it before closing.
            fail(error, context: context)
        case .complete:
            writeCiphertext(context: context)
            guard case .handshaking = state else { return }
            handshakeCompleted(context: context)
        }
    }

    private func handshakeCompleted(context: ChannelHandlerContext) {
        guard let connection else { return }
        switch connection.completedHandshake() {
        case .failure(let error):
            fail(error, context: context)
        case .success(let event):
            state = .active
            cancelHandshakeTimeout()
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

    private var isReading: Bool {
        switch state {
        case .active, .outputClosed: true
        case .idle, .handshaking, .closing, .closed: false
        }
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        guard let connection else { return }
        while isReading {
            let result = connection.read(allocator: context.channel.allocator)
            // Reads can produce ciphertext too (key updates, alerts).
            writeCiphertext(context: context)
            guard isReading else { return }
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
        switch state {
        case .active: closeActiveConnection(context: context, mode: .all, promise: nil)
        case .outputClosed: closeAfterOutputClosed(context: context)
        case .idle, .handshaking, .closing, .closed: break
        }
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state {
        case .closing, .outputClosed, .closed:
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

    /// `.all`: close_notify, then the socket. `.output`: close_notify, then the TCP output
    /// (see `State.outputClosed`). `.input` fails the promise with
    /// `ChannelError.operationUnsupported`, as swift-nio-ssl does: TLS cannot stop receiving
    /// while the peer still sends records (alerts, close_notify) we must read.
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if case .input = mode {
            promise?.fail(ChannelError.operationUnsupported)
            return
        }
        switch state {
        case .active:
            closeActiveConnection(context: context, mode: mode, promise: promise)
        case .idle, .handshaking:
            // No TLS session to half-close yet: either mode closes the socket.
            state = .closing(.all)
            cancelHandshakeTimeout()
            let dropped = pendingWrites.removeAll()
            joinClose(promise)
            dropped.fail(with: ChannelError.ioOnClosedChannel)
            writeFinalBytesThenClose(nil, context: context)
        case .closing:
            joinClose(promise)
        case .outputClosed:
            if case .all = mode {
                closeAfterOutputClosed(context: context, promise: promise)
            } else {
                promise?.succeed()
            }
        case .closed:
            context.close(mode: mode, promise: promise)
        }
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is TLSCloseImmediately else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        closeImmediately(context: context)
        promise?.succeed()
    }

    /// Cuts the socket whatever the TLS state: a close already under way completes with it.
    private func closeImmediately(context: ChannelHandlerContext) {
        if case .closed = state, !context.channel.isActive { return }
        state = .closed
        cancelTimers()
        let dropped = pendingWrites.removeAll()
        let promise = takeClosePromise()
        dropped.fail(with: ChannelError.ioOnClosedChannel)
        context.close(promise: promise)
    }

    /// Flushed writes, then close_notify, then the socket's close (FIN), bounded by the close timeout.
    private func closeActiveConnection(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard let connection else { return }
        state = .closing(mode)
        cancelHandshakeTimeout()
        let flushed = pendingWrites.hasFlushed ? pendingWrites.takeFlushed() : nil
        let dropped = pendingWrites.removeAll()
        var writeError: TLSError?
        for plaintext in flushed?.buffers ?? [] where writeError == nil {
            writeError = connection.write(plaintext)
        }
        connection.sendCloseNotify()
        let finalBytes = connection.bio.takeCiphertext()
        joinClose(promise)
        dropped.fail(with: ChannelError.ioOnClosedChannel)
        if let writeError {
            flushed?.fail(with: writeError)
            writeFinalBytesThenClose(finalBytes, context: context)
        } else {
            writeFinalBytesThenClose(finalBytes, context: context, completing: flushed)
        }
    }

    /// One SSL_write per record's worth of what was flushed so far, and one socket write.
    private func flushPendingWrites(context: ChannelHandlerContext) {
        guard let connection, pendingWrites.hasFlushed else { return }
        let batch = pendingWrites.takeFlushed()
        let plaintexts = batch.coalesced(recordSize: SSLConnection.maximumRecordPlaintext, allocator: context.channel.allocator)
        connection.bio.reserveCiphertext(SSLConnection.ciphertextBound(plaintexts))
        for plaintext in plaintexts {
            if let error = connection.write(plaintext) {
                fail(error, context: context)
                batch.fail(with: error)
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

    // MARK: Closing

    private func joinClose(_ promise: EventLoopPromise<Void>?) {
        guard let promise else { return }
        if let closePromise {
            closePromise.futureResult.cascade(to: promise)
        } else {
            closePromise = promise
        }
    }

    private func takeClosePromise() -> EventLoopPromise<Void>? {
        defer { closePromise = nil }
        return closePromise
    }

    /// In `.closing`: writes `finalBytes` (if any), then closes the socket once they are
    /// written or after the close timeout, whichever comes first.
    private func writeFinalBytesThenClose(
        _ finalBytes: ByteBuffer?,
        context: ChannelHandlerContext,
        completing batch: PendingWrites.Batch? = nil
    ) {
        guard case .closing = state else {
            batch?.fail(with: ChannelError.ioOnClosedChannel)
            return
        }
        guard let finalBytes else {
            batch?.succeed()
            closeSocket(context: context)
            return
        }
        // Armed before the write, which can complete (and close) at once.
        closeTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: tlsContext.configuration.closeTimeout) { [self] in
            guard case .closing = self.state else { return }
            self.logger.debug(
                "TLS close timed out: closing the socket without waiting for our last bytes to be written",
                metadata: ["tls.side": "\(self.role.rawValue)"]
            )
            self.state = .closing(.all)
            self.closeSocket(context: context)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        if let batchPromise = batch?.combinedPromise(on: context.eventLoop) {
            written.futureResult.cascade(to: batchPromise)
        }
        written.futureResult.assumeIsolated().whenComplete { [self] _ in
            self.closeSocket(context: context)
        }
        context.writeAndFlush(wrapOutboundOut(finalBytes), promise: written)
    }

    /// Our last bytes are written (or the close timeout fired): close the socket, or only its
    /// output for `close(mode: .output)`, then wait at most the close timeout for the peer.
    private func closeSocket(context: ChannelHandlerContext) {
        guard case .closing(let mode) = state else { return }
        cancelTimers()
        guard case .output = mode else {
            state = .closed
            context.close(promise: takeClosePromise())
            return
        }
        state = .outputClosed
        closeTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: tlsContext.configuration.closeTimeout) { [self] in
            self.closeAfterOutputClosed(context: context)
        }
        context.close(mode: .output, promise: takeClosePromise())
    }

    private func closeAfterOutputClosed(context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        guard case .outputClosed = state else {
            promise?.succeed()
            return
        }
        state = .closed
        cancelTimers()
        context.close(promise: promise)
    }

    // MARK: Failures

    /// Reports `error`, sends the alert OpenSSL queued (or close_notify after a completed
    /// handshake), and closes the channel.
    private func fail(_ error: TLSError, context: ChannelHandlerContext) {
        let duringHandshake: Bool
        switch state {
        case .closed, .closing: return
        case .idle, .handshaking: duringHandshake = true
        case .active: duringHandshake = false
        case .outputClosed:
            // Our close_notify is sent already: report, and close the rest.
            state = .closed
            cancelTimers()
            report(error, context: context, duringHandshake: false)
            context.close(promise: nil)
            return
        }
        state = .closing(.all)
        cancelHandshakeTimeout()
        // After a fatal alert, or while handshaking, SSL_shutdown adds nothing: the BIO then
        // holds only the alert. After a completed handshake it queues close_notify.
        connection?.sendCloseNotify()
        let finalBytes = connection?.bio.takeCiphertext()
        let dropped = pendingWrites.removeAll()
        // Call-outs: a handler closing the channel here joins the close under way.
        report(error, context: context, duringHandshake: duringHandshake)
        dropped.fail(with: error)
        writeFinalBytesThenClose(finalBytes, context: context)
    }

    private func report(_ error: TLSError, context: ChannelHandlerContext, duringHandshake: Bool, level: Logger.Level = .warning) {
        if duringHandshake {
            metrics.handshakeFailed(side: role)
        }
        metrics.error(error, side: role)
        logger.log(
            level: level,
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

    private func cancelTimers() {
        cancelHandshakeTimeout()
        closeTimeout?.cancel()
        closeTimeout = nil
    }
}

@available(*, unavailable)
extension OpenSSLHandler: Sendable {}
