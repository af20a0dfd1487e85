import Logging
import NIOCore
import TownshipTLS
import TownshipWire

/// Serves the calls of one connection. All of its state lives on the channel's event loop;
/// handlers run as tasks (preferring that same loop, see `RPCHandlerExecution`) and reach
/// back through a `ServerConnectionLink`.
final class ServerConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = Frame
    typealias OutboundIn = Never
    typealias OutboundOut = Frame

    struct Call {
        let method: String
        let kind: RPCMethodKind
        let inbox: MessageInbox
        let startedAt: ContinuousClock.Instant
        var task: Task<Void, Never>?
        /// When the call times out (its REQUEST's timeout), if it has one; see `deadlines`.
        var deadline: NIODeadline?
        var timeoutMilliseconds: UInt32 = 0
        var flow = StreamFlow()
        /// The handler itself gave the answer: what is left of its task is returning, which
        /// the client cannot see, so the call no longer counts against the client's limit.
        var answeredByHandler = false
        /// The call has been answered, cancelled or timed out; its task may still be unwinding.
        var ended = false
    }

    let router: RPCRouter
    let configuration: RPCServerConfiguration
    let registry: ServerConnectionRegistry
    var machine: ConnectionStateMachine
    var logger: Logger
    var context: ChannelHandlerContext?
    var link: ServerConnectionLink?
    var peerIdentity: String?
    var calls: [UInt32: Call] = [:]
    /// Calls in `calls` that their own handler answered (ended and answered by it): kept as
    /// a count so that the concurrency cap is judged without walking every call.
    var answeredByHandlerCount = 0
    /// The executor handler tasks prefer: this connection's event loop, or nil for the pool.
    var handlerExecutor: EventLoopTaskExecutor?
    var draining = false
    let drainSignal = DrainSignal()
    var closing = false
    /// TLS is up (`TransportReady`): before it nothing we write can reach the peer.
    var transportReady = false
    /// Within the server's connection cap; a connection over it is turned away after TLS.
    private var admitted = true
    private var flushPending = false
    private var lastWrite: EventLoopFuture<Void>?
    private var helloTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var forceCloseTimer: Scheduled<Void>?
    private var closeRequested = false
    private var pingTokens = PingBudget()
    /// The one timer behind every call's deadline.
    var deadlines = DeadlineSweep()

    init(router: RPCRouter, configuration: RPCServerConfiguration, registry: ServerConnectionRegistry) {
        self.router = router
        self.configuration = configuration
        self.registry = registry
        self.machine = ConnectionStateMachine(role: .server, local: configuration.limits)
        self.logger = configuration.logger
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let link = ServerConnectionLink(handler: NIOLoopBound(self, eventLoop: context.eventLoop))
        self.link = link
        if configuration.handlerExecution == .connectionEventLoop {
            handlerExecutor = EventLoopTaskExecutor(context.eventLoop)
        }
        logger[metadataKey: "peer"] = "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")"
        admitted = registry.add(context.channel, link: link, limit: configuration.maxConnections)
        let timeout = configuration.helloTimeout
        helloTimer = context.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [link] in
            link.handler.value.connectionError(WireConnectionError(.helloTimeout, "no HELLO within \(timeout)"))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        failAllCalls(RPCError.unavailable("the connection closed"))
        registry.remove(context.channel)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        failAllCalls(RPCError.unavailable("the connection closed"))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let ready = event as? TransportReady {
            peerIdentity = ready.peerIdentity
            transportReady = true
            logger[metadataKey: "caller"] = "\(ready.peerIdentity ?? "-")"
            if !admitted { turnAwayOverConnectionLimit() }
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func cancelTimers() {
        deadlines.cancel()
        helloTimer?.cancel()
        helloTimer = nil
        idleTimer?.cancel()
        idleTimer = nil
        forceCloseTimer?.cancel()
        forceCloseTimer = nil
    }

    /// Over `maxConnections`: GOAWAY before HELLO is how a server turns a client away (spec
    /// §2, §10): nothing was processed, the client may go elsewhere at once.
    private func turnAwayOverConnectionLimit() {
        guard let context, !closing else { return }
        logger.warning("connection limit of \(configuration.maxConnections) reached: turning a connection away")
        RPCMetrics.connectionError(side: "server", code: .ok)
        let goAway = Frame.goAway(GoAway(
            lastRequestID: 0, code: .ok, message: "connection limit of \(configuration.maxConnections) reached; try another instance"))
        try? machine.willSend(goAway)
        closing = true
        closeAfter(context.writeAndFlush(wrapOutboundOut(goAway)))
    }

    /// A connection with no open call for `idleTimeout` is closed as a drain would (GOAWAY
    /// OK, then close), so a client that forgot it does not hold a slot for ever.
    func armIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
        guard let timeout = configuration.idleTimeout, let link, let context, calls.isEmpty, !draining, !closing else { return }
        idleTimer = context.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            let handler = link.handler.value
            handler.idleTimer = nil
            guard handler.calls.isEmpty else { return }
            handler.logger.debug("closing an idle connection")
            handler.beginDrain(message: "idle for \(timeout)")
        }
    }

    func disarmIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let wireError = error as? WireConnectionError {
            connectionError(wireError)
        } else {
            logger.debug("connection failed", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            for id in calls.keys { sendPending(id) }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let frame = unwrapInboundIn(data)
        switch machine.received(frame) {
        case .deliver(let frame): handle(frame)
        case .ignore: break
        case .failCall(let id, let failure):
            RPCMetrics.callFinished(side: "server", method: RPCMetrics.unreadMethod, status: failure.status, duration: .zero)
            write(.error(id: id, failure))
        case .refuse(let id, let refusal):
            RPCMetrics.refused(status: refusal.status)
            write(.refused(id: id, refusal))
        case .close(let error, _): connectionError(error)
        }
    }

    private func handle(_ frame: Frame) {
        switch frame {
        case .hello:
            helloTimer?.cancel()
            helloTimer = nil
            write(.hello(configuration.limits))
            armIdleTimer()
        case .ping(let data):
            guard pingTokens.take() else {
                connectionError(WireConnectionError(.enhanceYourCalm, "more than 10 PINGs per second"))
                return
            }
            write(.pong(data))
        case .credit(let id, _):
            sendPending(id)
        case .pong, .goAway:
            // The client is leaving; its calls in flight still get their answers.
            break
        case .request(let id, let request): startCall(id, request)
        case .message(let id, let payload):
            guard let call = calls[id] else { return }
            if call.kind == .clientStreaming {
                call.inbox.deliver(payload.bytes)
            } else {
                endCall(id, because: RPCError.invalidArgument("\(call.method) takes no client messages"), answer: true)
            }
        case .endStream(let id): calls[id]?.inbox.finish()
        case .cancel(let id): endCall(id, because: RPCError(.cancelled, "cancelled by the client"), answer: false)
        case .response, .error, .refused:
            break  // the state machine lets no server receive these
        }
    }

    // MARK: Writing

    func write(_ frame: Frame) {
        guard let context, !closing else { return }
        do {
            try machine.willSend(frame)
        } catch {
            logger.error("refusing to send a frame the protocol forbids", metadata: ["error": "\(error)"])
            return
        }
        if draining {
            // While draining, the close waits for the last answer to be written.
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.write(wrapOutboundOut(frame), promise: promise)
            lastWrite = promise.futureResult
        } else {
            context.write(wrapOutboundOut(frame), promise: nil)
        }
        scheduleFlush()
    }

    func closeAfterPendingWrites() {
        guard let context else { return }
        context.flush()
        closeAfter(lastWrite ?? context.eventLoop.makeSucceededVoidFuture())
    }

    /// Many tasks answer in the same tick: one flush for all of them means one TLS record
    /// batch and one socket write.
    private func scheduleFlush() {
        guard !flushPending, let link else { return }
        flushPending = true
        link.eventLoop.execute {
            let handler = link.handler.value
            handler.flushPending = false
            handler.context?.flush()
        }
    }

    func connectionError(_ error: WireConnectionError) {
        guard !closing, let context else { return }
        logger.notice("closing connection: \(error)")
        RPCMetrics.connectionError(side: "server", code: error.code)
        guard transportReady else {
            // TLS is not up (a silent peer, a stalled handshake): a GOAWAY could only wait
            // in the TLS handler for a handshake that will not come. Close now.
            closing = true
            failAllCalls(RPCError.unavailable("connection error: \(error.code.name)"))
            closeChannel()
            return
        }
        let goAway = Frame.goAway(GoAway(
            lastRequestID: machine.goAwayLastRequestID, code: error.code,
            message: FrameSerializer.truncated(error.reason)))
        try? machine.willSend(goAway)
        closing = true
        failAllCalls(RPCError.unavailable("connection error: \(error.code.name)"))
        closeAfter(context.writeAndFlush(wrapOutboundOut(goAway)))
    }

    /// Closes once `write` is done (or failed), so a GOAWAY reaches the peer before the
    /// close_notify and the FIN; a write that never completes (a peer that does not read) is
    /// given `closeTimeout`, then the socket is closed anyway.
    func closeAfter(_ write: EventLoopFuture<Void>) {
        guard let link else { return }
        armForceClose()
        write.whenComplete { _ in
            // Not inside the write's completion, which can run while whoever wrote is still
            // in the middle of changing its state.
            link.eventLoop.execute { link.handler.value.closeChannel() }
        }
    }

    /// Closes through the TLS handler (close_notify, then FIN), bounded by `closeTimeout`.
    func closeChannel() {
        guard let context, !closeRequested else { return }
        closeRequested = true
        armForceClose()
        context.close(promise: nil)
    }

    /// Closes at once (the drain timeout has passed): calls in flight fail, the close is still
    /// through TLS but bounded by `closeTimeout` for a peer that does not read.
    func closeNow() {
        closing = true
        failAllCalls(RPCError.unavailable("the server is shutting down"))
        closeChannel()
    }

    private func armForceClose() {
        guard forceCloseTimer == nil, let link, let context, context.channel.isActive else { return }
        let bound = configuration.closeTimeout
        forceCloseTimer = context.eventLoop.scheduleTask(in: .nanoseconds(bound.nanoseconds)) {
            link.handler.value.forceClose()
        }
    }

    private func forceClose() {
        forceCloseTimer = nil
        guard let context, context.channel.isActive else { return }
        logger.notice("closing a connection whose peer did not take our last writes within \(configuration.closeTimeout)")
        if !closeRequested {
            closeRequested = true
            context.close(promise: nil)
        }
        // A TLS close still waiting to write its close_notify is cut here, not at the TLS
        // layer's own (possibly longer) close timeout.
        if context.channel.isActive { context.triggerUserOutboundEvent(TLSCloseImmediately(), promise: nil) }
    }
}

/// PINGs allowed: a burst of 20, then 10 per second (spec §7.2, ENHANCE_YOUR_CALM).
struct PingBudget {
    private var tokens: Double = 20
    private var last = ContinuousClock.now

    mutating func take() -> Bool {
        let now = ContinuousClock.now
        let elapsed = Double((now - last).nanoseconds) / 1e9
        last = now
        tokens = min(20, tokens + elapsed * 10)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
