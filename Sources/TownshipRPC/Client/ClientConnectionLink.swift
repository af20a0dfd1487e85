import NIOCore
import TownshipWire

/// A Sendable way into a `ClientConnectionHandler`: everything runs on its event loop.
/// `start` and `sendMessage`, only ever called from the caller's task, call straight in
/// when that task is already on the loop (as `RPCClient` arranges with `taskExecutor`);
/// the rest may be called from inside channel callbacks (a cancellation, a consumed
/// message) and always hop.
struct ClientConnectionLink: Sendable {
    let handler: NIOLoopBound<ClientConnectionHandler>
    /// The connection's event loop as an executor, for callers to prefer during a call.
    let taskExecutor: EventLoopTaskExecutor

    var eventLoop: EventLoop { handler.eventLoop }

    /// Sends the REQUEST (waiting, if need be, for the server's HELLO or a free slot under
    /// its concurrency limit).
    func start(_ handle: ClientCallHandle, _ request: Request, deadline: ContinuousClock.Instant?) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let start = ClientConnectionHandler.PendingStart(handle: handle, request: request, deadline: deadline, continuation: continuation)
            if handler.eventLoop.inEventLoop {
                handler.value.startCall(start)
            } else {
                handler.eventLoop.execute { handler.value.startCall(start) }
            }
        }
    }

    func sendMessage(_ id: UInt32, _ bytes: ByteBuffer) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            if handler.eventLoop.inEventLoop {
                handler.value.enqueueMessage(id, bytes, continuation: continuation)
            } else {
                handler.eventLoop.execute { handler.value.enqueueMessage(id, bytes, continuation: continuation) }
            }
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
