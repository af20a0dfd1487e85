import Logging
import NIOCore
import TownshipWire

/// The life of one call on the server: start, messages both ways, answer, end.
extension ServerConnectionHandler {
    func startCall(_ id: UInt32, _ request: Request) {
        guard let link, let context else { return }
        // The cap counts handler tasks, not open calls: a cancelled call keeps its slot until
        // its handler has returned, so REQUEST + CANCEL cannot start tasks without bound.
        // A call answered by its own handler is free for the client at once (it saw the
        // answer and may send the next REQUEST before the task has returned); the tasks of such
        // calls are still bounded, by a second cap as large again.
        let cap = Int(configuration.limits.maxConcurrentRequests)
        let busy = calls.count - answeredByHandlerCount
        guard busy < cap, calls.count < 2 * cap else {
            RPCMetrics.refused(status: .resourceExhausted)
            write(.refused(id: id, Refusal(status: .resourceExhausted, message: "\(cap) calls already in progress")))
            return
        }
        guard configuration.authorizeCaller(peerIdentity) else {
            return reject(id, RPCError.permissionDenied("caller \(peerIdentity ?? "without identity") may not call this service"),
                          method: router.methods[request.method] == nil ? RPCMetrics.unknownMethod : request.method)
        }
        guard let method = router.methods[request.method] else {
            return reject(id, RPCError(.unimplemented, "no method \(request.method)"), method: RPCMetrics.unknownMethod)
        }
        // The state machine validated the metadata already; this cannot fail.
        let metadata = (try? RequestMetadata(validating: request.metadata)) ?? RequestMetadata()
        if metadata.principal != nil && !configuration.mayForwardPrincipal(peerIdentity) {
            return reject(id, RPCError.permissionDenied("caller \(peerIdentity ?? "-") may not forward a principal"), method: method.name)
        }
        if method.kind == .clientStreaming && request.payload.bytes.readableBytes > 0 {
            return reject(id, RPCError.invalidArgument("a client-streaming REQUEST carries no message"), method: method.name)
        }

        // Only a client stream's messages earn credit back; a unary request's does not.
        let inbox = method.kind == .clientStreaming ? MessageInbox(onConsumed: { [link] in link.creditConsumed(id) }) : MessageInbox()
        if method.kind != .clientStreaming {
            inbox.deliver(request.payload.bytes)
            inbox.finish()
        }
        let now = ContinuousClock.now
        let deadline = request.timeoutMilliseconds == 0 ? nil : now + .milliseconds(Int64(request.timeoutMilliseconds))
        var callLogger = logger
        // Values, not interpolated strings: every call builds these, few ever log.
        callLogger[metadataKey: "request-id"] = .stringConvertible(id)
        callLogger[metadataKey: "method"] = .string(method.name)
        if let trace = metadata.traceparent { callLogger[metadataKey: "trace-id"] = "\(trace.dropFirst(3).prefix(32))" }
        let rpcContext = RPCContext(
            method: method.name, requestID: id, peerIdentity: peerIdentity, principal: metadata.principal,
            deadline: deadline, traceparent: metadata.traceparent, tracestate: metadata.tracestate,
            idempotencyKey: metadata.idempotencyKey, logger: callLogger, drain: drainSignal)
        let serverCall = RPCServerCall(id: id, context: rpcContext, requests: inbox, link: link)

        var call = Call(method: method.name, kind: method.kind, inbox: inbox, startedAt: now)
        if request.timeoutMilliseconds > 0 {
            let deadline = NIODeadline.now() + .milliseconds(Int64(request.timeoutMilliseconds))
            call.deadline = deadline
            call.timeoutMilliseconds = request.timeoutMilliseconds
            deadlines.include(deadline, on: context.eventLoop) { link.handler.value.endCallsPastTheirDeadline() }
        }
        let handler = method.handler
        disarmIdleTimer()
        call.task = registry.handlerTasks.start(on: handlerExecutor) {
            let error: Error?
            do {
                try await RPCTraceContext.$traceparent.withValue(metadata.traceparent) {
                    try await RPCTraceContext.$tracestate.withValue(metadata.tracestate) {
                        try await handler(serverCall)
                    }
                }
                error = nil
            } catch let caught {
                error = caught
            }
            link.handlerFinished(id, error: error)
        }
        calls[id] = call
    }

    /// Answers a call that never reached a handler.
    private func reject(_ id: UInt32, _ error: RPCError, method: String) {
        RPCMetrics.callFinished(side: "server", method: method, status: error.status, duration: .zero)
        write(.error(id: id, CallFailure(status: error.status, message: FrameSerializer.truncated(error.message), details: error.details)))
    }

    /// The handler's answer (RESPONSE, END_STREAM, or a thrown error turned into ERROR).
    func finishCall(_ id: UInt32, with ending: ServerCallEnding, continuation: CheckedContinuation<Void, Error>?) {
        guard var call = calls[id], !call.ended else {
            continuation?.resume(throwing: RPCError(.cancelled, "the call has already ended"))
            return
        }
        call.ended = true
        call.answeredByHandler = continuation != nil
        if call.answeredByHandler { answeredByHandlerCount += 1 }
        let status: CallStatus
        switch ending {
        case .response(let bytes):
            status = .ok
            write(.response(id: id, machine.outgoingPayload(bytes)))
        case .endStream:
            status = .ok
            write(.endStream(id: id))
        case .failure(let error):
            status = error.status
            write(.error(id: id, CallFailure(status: error.status, message: FrameSerializer.truncated(error.message), details: error.details)))
        }
        call.flow.failPending(RPCError(.cancelled, "the call has ended"))
        calls[id] = call
        RPCMetrics.callFinished(side: "server", method: call.method, status: status, duration: ContinuousClock.now - call.startedAt)
        continuation?.resume()
    }

    /// Ends a call from outside its handler: a CANCEL, the deadline, a lost connection.
    func endCall(_ id: UInt32, because error: RPCError, answer: Bool) {
        guard var call = calls[id], !call.ended else { return }
        if answer {
            finishCall(id, with: .failure(error), continuation: nil)
            guard let ended = calls[id] else { return }
            call = ended
        } else {
            call.ended = true
            call.flow.failPending(error)
            RPCMetrics.callFinished(side: "server", method: call.method, status: error.status, duration: ContinuousClock.now - call.startedAt)
        }
        call.inbox.finish(error)
        call.task?.cancel()
        calls[id] = call
    }

    /// The deadline timer fired: ends every call whose deadline has passed, and arms the
    /// timer for the earliest deadline left.
    func endCallsPastTheirDeadline() {
        guard let link, let context else { return deadlines.fired() }
        let expired = deadlines.sweep(calls.compactMap { id, call in
            call.ended ? nil : call.deadline.map { (id, $0, call.timeoutMilliseconds) }
        }, on: context.eventLoop) { link.handler.value.endCallsPastTheirDeadline() }
        for call in expired {
            endCall(call.id, because: RPCError(.deadlineExceeded, "the deadline of \(call.timeoutMilliseconds) ms passed"), answer: true)
        }
    }

    func handlerFinished(_ id: UInt32, error: Error?) {
        guard let call = calls[id] else { return }
        if !call.ended {
            let failure: RPCError
            switch error {
            case let rpcError as RPCError: failure = rpcError
            case is CancellationError: failure = RPCError(.cancelled, "the handler was cancelled")
            case let other?:
                logger.error("handler failed", metadata: ["request-id": "\(id)", "method": "\(call.method)", "error": "\(other)"])
                failure = RPCError(.internal, "internal error")
            case nil: failure = RPCError(.internal, "the handler returned without answering")
            }
            finishCall(id, with: .failure(failure), continuation: nil)
        }
        if call.ended && call.answeredByHandler { answeredByHandlerCount -= 1 }
        calls[id] = nil
        guard calls.isEmpty else { return }
        if draining { closeAfterPendingWrites() } else { armIdleTimer() }
    }

    func enqueueMessage(_ id: UInt32, _ bytes: ByteBuffer, continuation: CheckedContinuation<Void, Error>) {
        guard calls[id] != nil, calls[id]?.ended == false else {
            continuation.resume(throwing: RPCError(.cancelled, "the call has ended"))
            return
        }
        calls[id]!.flow.enqueue(bytes, continuation)
        sendPending(id)
    }

    /// Sends queued stream messages while there is credit and the socket keeps up.
    func sendPending(_ id: UInt32) {
        guard let context else { return }
        while let (bytes, continuation) = calls[id]?.flow.nextToSend(credit: machine.sendCredit(for: id), writable: context.channel.isWritable) {
            write(.message(id: id, machine.outgoingPayload(bytes)))
            continuation.resume()
        }
    }

    /// A client-stream message was taken by the handler: credit goes back in batches.
    func creditConsumed(_ id: UInt32) {
        guard var call = calls[id], !call.ended, call.kind == .clientStreaming else { return }
        if let increment = call.flow.consumed(window: configuration.limits.initialStreamCredit) {
            write(.credit(id: id, increment: increment))
        }
        calls[id] = call
    }

    func failAllCalls(_ error: RPCError) {
        for id in calls.keys { endCall(id, because: error, answer: false) }
    }

    /// Graceful shutdown (spec §11): GOAWAY with the last id that will be answered, then
    /// close once every call up to it is done.
    func beginDrain(message: String = "server is shutting down") {
        guard !draining, !closing, let context else { return }
        draining = true
        disarmIdleTimer()
        drainSignal.raise()
        write(.goAway(GoAway(lastRequestID: machine.highestRequestID, code: .ok, message: message)))
        context.flush()
        if calls.isEmpty { closeAfterPendingWrites() }
    }
}
