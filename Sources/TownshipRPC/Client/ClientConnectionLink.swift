import NIOCore
import TownshipWire

/// A Sendable way into a `ClientConnectionHandler`: everything hops to its event loop.
struct ClientConnectionLink: Sendable {
    let handler: NIOLoopBound<ClientConnectionHandler>

    var eventLoop: EventLoop { handler.eventLoop }

    /// Sends the REQUEST (waiting, if need be, for the server's HELLO or a free slot under
    /// its concurrency limit).
    func start(_ handle: ClientCallHandle, _ request: Request, deadline: ContinuousClock.Instant?) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            handler.eventLoop.execute {
                handler.value.startCall(.init(handle: handle, request: request, deadline: deadline, continuation: continuation))
            }
        }
    }

    func sendMessage(_ id: UInt32, _ bytes: ByteBuffer) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            handler.eventLoop.execute { handler.value.enqueueMessage(id, bytes, continuation: continuation) }
        }
    }

    func endClientStream(_ id: UInt32) {
        handler.eventLoop.execute { handler.value.endClientStream(id) }
    }

    func cancel(_ handle: ClientCallHandle) {
        let id = handle.markCancelled()
        handler.eventLoop.execute {
            if let id {
                handler.value.cancel(id, because: RPCError(.cancelled, "the caller cancelled the call"))
            } else {
                handler.value.cancelWaiting(handle)
            }
        }
    }

    func creditConsumed(_ id: UInt32) {
        handler.eventLoop.execute { handler.value.creditConsumed(id) }
    }
}
