import Logging
import NIOCore
import TownshipWire

/// The client's end of one connection: HELLO, then many calls multiplexed by request id.
/// All state lives on the channel's event loop; callers reach it through a
/// `ClientConnectionLink`.
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = Frame
    typealias OutboundIn = Never
    typealias OutboundOut = Frame

    struct Call {
        let handle: ClientCallHandle
        var flow = StreamFlow()
        /// When the call gives up waiting for its answer, if it has a deadline; see `deadlines`.
        var deadline: NIODeadline?
        var timeoutMilliseconds: UInt32 = 0
    }

    struct PendingStart {
        let handle: ClientCallHandle
        let request: Request
        /// When the call gives up, counted from its start: time spent queued is part of it.
        let deadline: ContinuousClock.Instant?
        let continuation: CheckedContinuation<Void, Error>
        /// Fails the call at its deadline while it waits for a slot.
        var queueTimer: Scheduled<Void>? = nil
    }

    let configuration: RPCClientConfiguration
    var machine: ConnectionStateMachine
    let ready: EventLoopPromise<Void>
    /// Told when the connection stops taking new calls (GOAWAY or close).
    let onRetire: @Sendable () -> Void
    var context: ChannelHandlerContext?
    var link: ClientConnectionLink?
    var isReady = false
    var retired = false
    var closing = false
    var calls: [UInt32: Call] = [:]
    var waiting = CircularBuffer<PendingStart>()
    var nextID: UInt32 = 1
    var lastError: String?
    var readSinceLastKeepalive = false
    var pingOutstanding: UInt64?
    var keepaliveTimer: RepeatedTask?
    private var flushPending = false
    /// The one timer behind every call's deadline.
    private var deadlines = DeadlineSweep()

    init(configuration: RPCClientConfiguration, ready: EventLoopPromise<Void>, onRetire: @escaping @Sendable () -> Void) {
        self.configuration = configuration
        var local = configuration.limits
        local.isAck = false
        local.maxConcurrentRequests = 0
        self.machine = ConnectionStateMachine(role: .client, local: local)
        self.ready = ready
        self.onRetire = onRetire
    }

    var outstanding: Int { calls.count + waiting.count }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        link = ClientConnectionLink(
            handler: NIOLoopBound(self, eventLoop: context.eventLoop), taskExecutor: EventLoopTaskExecutor(context.eventLoop))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TransportReady {
            write(.hello(machine.local))
            flush()
            startKeepalive(context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        shutDown(reason: lastError ?? "the connection closed")
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        shutDown(reason: lastError ?? "the connection closed")
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        lastError = "\(error)"
        if let wireError = error as? WireConnectionError {
            connectionError(wireError)
        } else {
            context.close(promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { for id in calls.keys { sendPending(id) } }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readSinceLastKeepalive = true
        switch machine.received(unwrapInboundIn(data)) {
        case .deliver(let frame): handle(frame)
        case .ignore: break
        case .close(let error, _): connectionError(error)
        case .failCall, .refuse: break  // only servers answer calls
        }
    }

    private func handle(_ frame: Frame) {
        switch frame {
        case .hello:
            isReady = true
            ready.succeed()
            startWaiting()
        case .ping(let data):
            write(.pong(data))
        case .pong(let data):
            if pingOutstanding == data { pingOutstanding = nil }
        case .goAway(let goAway):
            receivedGoAway(goAway)
        case .response(let id, let payload):
            guard var call = calls.removeValue(forKey: id) else { return }
            call.handle.responses.deliver(payload.bytes)
            call.handle.responses.finish()
            // A server may answer a client stream before it has read all of it: a send still
            // waiting for credit ends here (the caller then reads the answer).
            call.flow.failPending(Self.answeredEarly)
            callEnded()
        case .message(let id, let payload):
            calls[id]?.handle.responses.deliver(payload.bytes)
        case .endStream(let id):
            guard var call = calls.removeValue(forKey: id) else { return }
            call.handle.responses.finish()
            call.flow.failPending(Self.answeredEarly)
            callEnded()
        case .error(let id, let failure):
            guard let call = calls.removeValue(forKey: id) else { return }
            end(call, RPCError(failure.status, failure.message, details: failure.details))
        case .refused(let id, let refusal):
            guard let call = calls.removeValue(forKey: id) else { return }
            end(call, RPCError(refusal.status, refusal.message, wasRefused: true))
        case .credit(let id, _):
            sendPending(id)
        case .request, .cancel:
            break  // the state machine lets no client receive these
        }
    }

    // MARK: Calls

    /// What a client-stream send waiting for credit ends with when the server answered first.
    static let answeredEarly = RPCError(.cancelled, "the server answered before the client stream ended")

    func startCall(_ start: PendingStart) {
        if closing || retired {
            start.continuation.resume(throwing: RPCError(.unavailable, "the connection is closing", wasRefused: true))
            return
        }
        guard isReady, let peer = machine.peer, calls.count < Int(peer.maxConcurrentRequests) else {
            enqueue(start)
            return
        }
        send(start)
    }

    /// Waits for a slot under the server's concurrency limit, bounded in number
    /// (`maxQueuedCalls`) and in time (the call's own deadline).
    private func enqueue(_ start: PendingStart) {
        guard waiting.count < configuration.maxQueuedCalls else {
            start.continuation.resume(throwing: RPCError(
                .resourceExhausted, "\(waiting.count) calls already wait for a free slot on this connection", wasRefused: true))
            return
        }
        var start = start
        if let deadline = start.deadline, let link, let context {
            let handle = start.handle
            start.queueTimer = context.eventLoop.scheduleTask(in: .nanoseconds((deadline - .now).nanoseconds)) {
                link.handler.value.expireWaiting(handle)
            }
        }
        waiting.append(start)
    }

    /// A queued call whose deadline passed before a slot came free: it was never sent.
    func expireWaiting(_ handle: ClientCallHandle) {
        guard let index = waiting.firstIndex(where: { $0.handle === handle }) else { return }
        let start = waiting.remove(at: index)
        start.continuation.resume(throwing: RPCError(.deadlineExceeded, "the deadline passed while the call waited for a free slot"))
    }

    private func send(_ start: PendingStart) {
        start.queueTimer?.cancel()
        guard let link, let context else {
            start.continuation.resume(throwing: RPCError(.unavailable, "the connection closed", wasRefused: true))
            return
        }
        if start.handle.isCancelled {
            start.continuation.resume(throwing: RPCError(.cancelled, "cancelled before it was sent", wasRefused: true))
            return
        }
        var request = start.request
        // The timeout on the wire is what is left of the call's deadline, not what it was
        // when the call was queued.
        var remaining: Duration?
        if let deadline = start.deadline {
            let left = deadline - .now
            guard left > .zero else {
                start.continuation.resume(throwing: RPCError(.deadlineExceeded, "the deadline passed before the call was sent"))
                return
            }
            remaining = left
            request.timeoutMilliseconds = UInt32(clamping: max(1, left.nanoseconds / 1_000_000))
        }
        let id = nextID
        nextID += 1
        if nextID == UInt32.max { retire() }
        start.handle.assign(id, link: link)
        request.payload = machine.outgoingPayload(request.payload.bytes)
        write(.request(id: id, request))
        var call = Call(handle: start.handle)
        if let remaining {
            let deadline = NIODeadline.now() + .nanoseconds(remaining.nanoseconds)
            call.deadline = deadline
            call.timeoutMilliseconds = request.timeoutMilliseconds
            deadlines.include(deadline, on: context.eventLoop) { link.handler.value.cancelCallsPastTheirDeadline() }
        }
        calls[id] = call
        start.continuation.resume()
    }

    private func startWaiting() {
        while let peer = machine.peer, calls.count < Int(peer.maxConcurrentRequests), let start = waiting.popFirst() {
            send(start)
        }
    }

    func cancel(_ id: UInt32, because error: RPCError) {
        guard let call = calls.removeValue(forKey: id) else { return }
        write(.cancel(id: id))
        end(call, error)
    }

    /// The deadline timer fired: cancels every call whose deadline has passed, and arms the
    /// timer for the earliest deadline left.
    func cancelCallsPastTheirDeadline() {
        guard let link, let context else { return deadlines.fired() }
        let expired = deadlines.sweep(calls.compactMap { id, call in
            call.deadline.map { (id, $0, call.timeoutMilliseconds) }
        }, on: context.eventLoop) { link.handler.value.cancelCallsPastTheirDeadline() }
        for call in expired {
            cancel(call.id, because: RPCError(.deadlineExceeded, "no answer within \(call.timeoutMilliseconds) ms"))
        }
    }

    func cancelWaiting(_ handle: ClientCallHandle) {
        guard let index = waiting.firstIndex(where: { $0.handle === handle }) else { return }
        let start = waiting.remove(at: index)
        start.queueTimer?.cancel()
        start.continuation.resume(throwing: RPCError(.cancelled, "cancelled before it was sent", wasRefused: true))
    }

    private func end(_ call: Call, _ error: RPCError) {
        call.handle.responses.finish(error)
        var call = call
        call.flow.failPending(error)
        callEnded()
    }

    private func callEnded() {
        startWaiting()
        if retired && calls.isEmpty && waiting.isEmpty { closeGracefully() }
    }

    func enqueueMessage(_ id: UInt32, _ bytes: ByteBuffer, continuation: CheckedContinuation<Void, Error>) {
        guard calls[id] != nil else {
            continuation.resume(throwing: RPCError(.cancelled, "the call has ended"))
            return
        }
        calls[id]!.flow.enqueue(bytes, continuation)
        sendPending(id)
    }

    func sendPending(_ id: UInt32) {
        guard let context else { return }
        while let (bytes, continuation) = calls[id]?.flow.nextToSend(credit: machine.sendCredit(for: id), writable: context.channel.isWritable) {
            write(.message(id: id, machine.outgoingPayload(bytes)))
            continuation.resume()
        }
    }

    func endClientStream(_ id: UInt32) {
        guard calls[id] != nil else { return }
        write(.endStream(id: id))
    }

    func creditConsumed(_ id: UInt32) {
        guard var call = calls[id] else { return }
        if let increment = call.flow.consumed(window: machine.local.initialStreamCredit) {
            write(.credit(id: id, increment: increment))
        }
        calls[id] = call
    }

    // MARK: Connection

    private func receivedGoAway(_ goAway: GoAway) {
        if !isReady { lastError = "server refused the connection: \(goAway.code.name) \(goAway.message)" }
        retire()
        // Calls above the last id were never processed: safe to retry elsewhere.
        for id in calls.keys where id > goAway.lastRequestID {
            if let call = calls.removeValue(forKey: id) {
                end(call, RPCError(.unavailable, "the server is going away (\(goAway.code.name))", wasRefused: true))
            }
        }
        if calls.isEmpty { closeGracefully() }
        if !isReady {
            // Last: the promise's callbacks run at once and close the channel, which must not
            // happen while this handler is still ending its calls.
            ready.fail(RPCError(.unavailable, lastError ?? "server refused the connection", wasRefused: true))
        }
    }

    /// No new calls on this connection; it closes once its calls are done.
    func retire() {
        guard !retired else { return }
        retired = true
        onRetire()
        while let start = waiting.popFirst() {
            start.queueTimer?.cancel()
            start.continuation.resume(throwing: RPCError(.unavailable, "the connection is going away", wasRefused: true))
        }
    }

    private func closeGracefully() {
        guard !closing, let context else { return }
        closing = true
        if isReady { write(.goAway(GoAway(lastRequestID: 0, code: .ok))) }
        flush()
        context.close(promise: nil)
    }

    func connectionError(_ error: WireConnectionError) {
        guard !closing, let context else { return }
        lastError = "\(error)"
        RPCMetrics.connectionError(side: "client", code: error.code)
        write(.goAway(GoAway(lastRequestID: 0, code: error.code, message: FrameSerializer.truncated(error.reason))))
        flush()
        closing = true
        context.close(promise: nil)
    }

    private func shutDown(reason: String) {
        deadlines.cancel()
        keepaliveTimer?.cancel()
        keepaliveTimer = nil
        retire()
        // Taken out before anyone is told: what a caller does when resumed must not meet
        // these calls still in the table (and resume their pending sends a second time).
        let ending = calls
        calls.removeAll()
        for (_, call) in ending { end(call, RPCError(.unavailable, reason)) }
        // Last, as its callbacks run at once (they close the channel).
        if !isReady { ready.fail(RPCError(.unavailable, reason, wasRefused: true)) }
    }

    private func startKeepalive(_ context: ChannelHandlerContext) {
        guard let interval = configuration.keepaliveInterval, let link else { return }
        let timeout = configuration.keepaliveTimeout
        keepaliveTimer = context.eventLoop.scheduleRepeatedTask(
            initialDelay: .nanoseconds(interval.nanoseconds), delay: .nanoseconds(interval.nanoseconds)
        ) { _ in
            link.handler.value.keepaliveTick(timeout: timeout)
        }
    }

    /// Pings after a quiet interval; a PING still unanswered a whole timeout later means
    /// the peer is dead, though TCP may not notice for minutes.
    func keepaliveTick(timeout: Duration) {
        guard let context, let link, isReady else { return }
        if readSinceLastKeepalive {
            readSinceLastKeepalive = false
            return
        }
        guard pingOutstanding == nil else { return }
        let data = UInt64.random(in: 1...UInt64.max)
        pingOutstanding = data
        write(.ping(data))
        flush()
        context.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            let handler = link.handler.value
            if handler.pingOutstanding == data {
                handler.lastError = "no PONG within \(timeout): the server is unreachable"
                // A dead peer takes no close_notify either: cut the socket.
                handler.context?.close(promise: nil)
                handler.context?.close(promise: nil)
            }
        }
    }

    // MARK: Writing

    func write(_ frame: Frame) {
        guard let context, !closing else { return }
        do {
            try machine.willSend(frame)
        } catch {
            configuration.logger.error("refusing to send a frame the protocol forbids", metadata: ["error": "\(error)"])
            return
        }
        context.write(wrapOutboundOut(frame), promise: nil)
        scheduleFlush()
    }

    private func flush() { context?.flush() }

    /// Calls started from many tasks in the same tick share one flush.
    private func scheduleFlush() {
        guard !flushPending, let link else { return }
        flushPending = true
        link.eventLoop.execute {
            let handler = link.handler.value
            handler.flushPending = false
            handler.context?.flush()
        }
    }

}
