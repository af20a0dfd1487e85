import NIOCore
import NIOHTTPTypes

/// Told by `RequestBytesObserver` that bytes of the connection arrived.
struct RequestBytesArrived: Sendable {}

/// Before the HTTP decoder (after TLS): signals every arrival of bytes down the pipeline, so
/// that `RequestHeadTimeoutHandler`, after the decoder, can start the clock at the first byte
/// of a request head (the decoder says when the head is complete, not when it began).
final class RequestBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

/// Closes a connection whose request head does not arrive whole within `timeout` of its first
/// byte, however slowly the bytes trickle in (a slowloris holds a connection by sending a
/// header line every few seconds; Hummingbird's idle timeout counts whole HTTP parts, not bytes,
/// but is reset by nothing here either). Silence before the first byte is the idle timeout's.
final class RequestHeadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    /// Between a request's head and its end: bytes are body, not head.
    private var readingRequest = false
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesArrived else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if !readingRequest, deadline == nil {
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                deadline = nil
                context.close(promise: nil)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            cancel()
            readingRequest = true
        case .body:
            break
        case .end:
            readingRequest = false
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }
}
