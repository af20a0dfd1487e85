import NIOCore
import Synchronization

/// The number of connections the listener has open, shared by all of them.
final class OpenConnections: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a place if one is free.
    func tryOpen() -> Bool {
        if count.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        count.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func close() { count.wrappingSubtract(1, ordering: .relaxed) }
}

/// First in every connection's pipeline: beyond the cap it answers 503 (on plain HTTP, before
/// reading anything) and closes, so that a flood of connections costs one file descriptor
/// each for an instant instead of staying open. Hummingbird's `MaximumAvailableConnections`
/// stops accepting instead, which leaves the excess hanging in the kernel's backlog.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let connections: OpenConnections
    /// Plain HTTP: a 503 can be written before the request; over TLS it cannot.
    private let answersInPlainHTTP: Bool
    private var holdsPlace = false
    private var refused = false

    init(connections: OpenConnections, answersInPlainHTTP: Bool) {
        self.connections = connections
        self.answersInPlainHTTP = answersInPlainHTTP
    }

    static let refusal = ByteBuffer(string:
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 118\r\n"
        + "Retry-After: 1\r\nConnection: close\r\n\r\n"
        + #"{"error":{"code":"UNAVAILABLE","reason":"TOO_MANY_CONNECTIONS","message":"the gateway has too many connections open"}}"#)

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context: context)
        if !refused { context.fireChannelActive() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A refused connection's request is not read.
        if !refused { context.fireChannelRead(data) }
    }

    private func admit(context: ChannelHandlerContext) {
        guard !holdsPlace, !refused else { return }
        if connections.tryOpen() {
            holdsPlace = true
            return
        }
        refused = true
        if answersInPlainHTTP {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(Self.refusal)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    private func release() {
        if holdsPlace {
            holdsPlace = false
            connections.close()
        }
    }
}
