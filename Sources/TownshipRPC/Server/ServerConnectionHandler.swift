import Logging
import NIOCore
import TownshipWire

/// Serves the calls of one connection. All of its state lives on the channel's event loop;
/// handlers run as tasks and reach back through a `ServerConnectionLink`.
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
        var deadlineTimer: Scheduled<Void>?
        var flow = StreamFlow()
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
    var draining = false
    let drainSignal = DrainSignal()
    var closing = false
    private var flushPending = false
    private var lastWrite: EventLoopFuture<Void>?
    private var helloTimer: Scheduled<Void>?
    private var pingTokens = PingBudget()

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
        logger[metadataKey: "peer"] = "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")"
        registry.add(context.channel, link: link)
        let timeout = configuration.helloTimeout
        helloTimer = context.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [link] in
            link.handler.value.connectionError(WireConnectionError(.helloTimeout, "no HELLO within \(timeout)"))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        helloTimer?.cancel()
        failAllCalls(RPCError.unavailable("the connection closed"))
        registry.remove(context.channel)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        helloTimer?.cancel()
        failAllCalls(RPCError.unavailable("the connection closed"))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let ready = event as? TransportReady {
            peerIdentity = ready.peerIdentity
            logger[metadataKey: "caller"] = "\(ready.peerIdentity ?? "-")"
        }
        context.fireUserInboundEventTriggered(event)
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
        let goAway = Frame.goAway(GoAway(
            lastRequestID: machine.goAwayLastRequestID, code: error.code,
            message: FrameSerializer.truncated(error.reason)))
        try? machine.willSend(goAway)
        closing = true
        failAllCalls(RPCError.unavailable("connection error: \(error.code.name)"))
        closeAfter(context.writeAndFlush(wrapOutboundOut(goAway)))
    }

    /// Closes once `write` is done (or failed), so a GOAWAY reaches the peer before the FIN.
    func closeAfter(_ write: EventLoopFuture<Void>) {
        guard let link else { return }
        write.whenComplete { _ in link.handler.value.context?.close(promise: nil) }
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
