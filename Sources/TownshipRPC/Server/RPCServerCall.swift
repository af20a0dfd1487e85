import NIOCore
import SwiftProtobuf
import TownshipWire

/// One call as its handler sees it: the messages in, and the ways to answer. Every answer
/// hops to the connection's event loop, where the connection handler owns the call's state.
public final class RPCServerCall: Sendable {
    public let context: RPCContext
    let requests: MessageInbox
    private let link: ServerConnectionLink
    private let id: UInt32

    init(id: UInt32, context: RPCContext, requests: MessageInbox, link: ServerConnectionLink) {
        self.id = id
        self.context = context
        self.requests = requests
        self.link = link
    }

    func decode<M: Message>(_ type: M.Type, from bytes: ByteBuffer) throws -> M {
        do {
            return try M(serializedBytes: Array(bytes.readableBytesView))
        } catch {
            throw RPCError.invalidArgument("the request is not a valid \(M.protoMessageName): \(error)")
        }
    }

    func respond<M: Message>(with message: M) async throws {
        try await respond(encoded: try message.serializedBytes())
    }

    /// Answers with a message already encoded.
    func respond(encoded bytes: [UInt8]) async throws {
        try await link.finish(id, with: .response(ByteBuffer(bytes: bytes)))
    }

    func endStream() async throws {
        try await link.finish(id, with: .endStream)
    }

    func sendMessage(_ bytes: [UInt8]) async throws {
        try await link.sendMessage(id, ByteBuffer(bytes: bytes))
    }
}

/// How a call ends from the server's side.
enum ServerCallEnding: Sendable {
    case response(ByteBuffer)
    case endStream
    case failure(RPCError)
}

/// A Sendable way into a connection handler from tasks: everything runs on its event loop.
/// A task already on that loop (handlers run there by default) calls straight in; others
/// hop. Only calls made from tasks go straight in: none of them can be inside one of the
/// handler's own channel callbacks.
struct ServerConnectionLink: Sendable {
    let handler: NIOLoopBound<ServerConnectionHandler>

    var eventLoop: EventLoop { handler.eventLoop }

    func finish(_ id: UInt32, with ending: ServerCallEnding) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            onLoop { handler in handler.finishCall(id, with: ending, continuation: continuation) }
        }
    }

    func sendMessage(_ id: UInt32, _ bytes: ByteBuffer) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            onLoop { handler in handler.enqueueMessage(id, bytes, continuation: continuation) }
        }
    }

    func handlerFinished(_ id: UInt32, error: Error?) {
        onLoop { handler in handler.handlerFinished(id, error: error) }
    }

    /// Also called from the inbox's `deliver` inside `channelRead`, so it always hops.
    func creditConsumed(_ id: UInt32) {
        handler.eventLoop.execute { handler.value.creditConsumed(id) }
    }

    private func onLoop(_ body: @escaping @Sendable (ServerConnectionHandler) -> Void) {
        if handler.eventLoop.inEventLoop {
            body(handler.value)
        } else {
            handler.eventLoop.execute { body(handler.value) }
        }
    }
}
