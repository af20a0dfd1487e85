import NIOCore
import Synchronization

/// The messages of a server stream, pulled from the connection as the consumer asks for
/// them: credit goes back to the server only for messages actually consumed, so a slow
/// consumer slows the server. Dropping the iterator early cancels the call.
public struct RPCResponseStream<Element: Sendable>: AsyncSequence, Sendable {
    let start: @Sendable () async throws -> ActiveResponseStream
    let transform: @Sendable (ByteBuffer) throws -> Element

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(start: start, transform: transform) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let start: @Sendable () async throws -> ActiveResponseStream
        let transform: @Sendable (ByteBuffer) throws -> Element
        var active: ActiveResponseStream?

        public mutating func next() async throws -> Element? {
            if active == nil { active = try await start() }
            guard let active, let bytes = try await active.next() else { return nil }
            return try transform(bytes)
        }
    }
}

/// A started server-streaming call.
public final class ActiveResponseStream: Sendable {
    private let handle: ClientCallHandle
    private let link: ClientConnectionLink
    private let onEnd: @Sendable () -> Void
    private let ended = Atomic<Bool>(false)

    init(handle: ClientCallHandle, link: ClientConnectionLink, onEnd: @escaping @Sendable () -> Void) {
        self.handle = handle
        self.link = link
        self.onEnd = onEnd
    }

    func next() async throws -> ByteBuffer? {
        do {
            let message = try await withTaskCancellationHandler {
                try await handle.responses.next()
            } onCancel: { [link, handle] in
                link.cancel(handle)
            }
            if message == nil { end() }
            return message
        } catch {
            end()
            throw error
        }
    }

    private func end() {
        if !ended.exchange(true, ordering: .relaxed) { onEnd() }
    }

    deinit {
        if !ended.load(ordering: .relaxed) {
            link.cancel(handle)
            onEnd()
        }
    }
}
