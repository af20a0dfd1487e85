import NIOCore

/// Plaintext writes waiting for the handshake or a flush, in order. The first
/// `flushedCount` of them have been flushed by the next handler.
struct PendingWrites {
    private var buffers: [ByteBuffer] = []
    private var promises: [EventLoopPromise<Void>?] = []
    private var flushedCount = 0

    struct Batch {
        let buffers: [ByteBuffer]
        let promises: [EventLoopPromise<Void>]

        func succeed() {
            promises.forEach { $0.succeed() }
        }

        func fail(with error: any Error) {
            promises.forEach { $0.fail(error) }
        }

        /// One promise for the socket write that completes every write's promise.
        func combinedPromise(on eventLoop: any EventLoop) -> EventLoopPromise<Void>? {
            switch promises.count {
            case 0: return nil
            case 1: return promises[0]
            default:
                let combined = eventLoop.makePromise(of: Void.self)
                for promise in promises {
                    combined.futureResult.cascade(to: promise)
                }
                return combined
            }
        }
    }

    var hasFlushed: Bool { flushedCount > 0 }

    mutating func append(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        buffers.append(buffer)
        promises.append(promise)
    }

    mutating func markFlushed() {
        flushedCount = buffers.count
    }

    mutating func takeFlushed() -> Batch {
        let batch = Batch(
            buffers: Array(buffers[..<flushedCount]),
            promises: promises[..<flushedCount].compactMap { $0 }
        )
        buffers.removeFirst(flushedCount)
        promises.removeFirst(flushedCount)
        flushedCount = 0
        return batch
    }

    mutating func failUnflushed(with error: any Error) {
        for promise in promises[flushedCount...] {
            promise?.fail(error)
        }
        buffers.removeSubrange(flushedCount...)
        promises.removeSubrange(flushedCount...)
    }

    mutating func failAll(with error: any Error) {
        let failed = promises
        buffers.removeAll()
        promises.removeAll()
        flushedCount = 0
        for promise in failed {
            promise?.fail(error)
        }
    }
}
