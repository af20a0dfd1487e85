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

        /// The buffers with runs of small ones copied together, each run at most
        /// `recordSize` bytes: one SSL_write, so one TLS record (one encryption, one header,
        /// one decryption and one read on the peer) for many small frames instead of one each.
        /// A buffer of `recordSize` or more is passed on as it is.
        func coalesced(recordSize: Int, allocator: ByteBufferAllocator) -> [ByteBuffer] {
            guard buffers.count > 1 else { return buffers }
            var result: [ByteBuffer] = []
            var runStart = 0
            var runBytes = 0
            func closeRun(before end: Int) {
                switch end - runStart {
                case 0: break
                case 1: result.append(buffers[runStart])
                default:
                    var merged = allocator.buffer(capacity: runBytes)
                    for index in runStart..<end { merged.writeImmutableBuffer(buffers[index]) }
                    result.append(merged)
                }
                runStart = end
                runBytes = 0
            }
            for (index, buffer) in buffers.enumerated() {
                if runBytes + buffer.readableBytes > recordSize { closeRun(before: index) }
                runBytes += buffer.readableBytes
            }
            closeRun(before: buffers.count)
            return result
        }

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

    /// Removes the writes not yet flushed and returns their promises. The caller fails them
    /// after this mutation has ended: a promise's callbacks may close the channel and re-enter
    /// the handler, which must not find its queue half-changed (Swift's exclusivity check aborts).
    mutating func removeUnflushed() -> FailedWrites {
        let removed = FailedWrites(promises: promises[flushedCount...].compactMap { $0 })
        buffers.removeSubrange(flushedCount...)
        promises.removeSubrange(flushedCount...)
        return removed
    }

    /// Removes every write and returns their promises, to be failed by the caller once this
    /// mutation has ended (see `removeUnflushed`).
    mutating func removeAll() -> FailedWrites {
        let removed = FailedWrites(promises: promises.compactMap { $0 })
        buffers.removeAll()
        promises.removeAll()
        flushedCount = 0
        return removed
    }
}

/// Promises taken out of `PendingWrites`, failed only once the queue is consistent again.
struct FailedWrites {
    let promises: [EventLoopPromise<Void>]

    func fail(with error: any Error) {
        for promise in promises {
            promise.fail(error)
        }
    }
}
