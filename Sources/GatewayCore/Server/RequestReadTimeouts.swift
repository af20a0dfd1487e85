import NIOCore
import NIOHTTPTypes

/// Told by `RequestBytesObserver` that bytes of the connection arrived.
struct RequestBytesArrived: Sendable {}

/// Before the HTTP decoder (after TLS): signals every arrival of bytes down the pipeline, so
/// that `RequestReadTimeoutHandler`, after the decoder, can start the clock at the first byte
/// of a request head (the decoder says when the head is complete, not when it began).
final class RequestBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

/// Closes a connection whose request is not read whole in time, however slowly its bytes
/// trickle in (a slowloris sends a header line, or a byte of body, every few seconds: each
/// is activity, so the idle timeout never fires):
/// - the head within `headTimeout` of its first byte;
/// - the body within `bodyTimeout` of the end of the head.
/// Silence before the first byte is the idle timeout's business.
final class RequestReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let headTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    /// Between a request's head and its end: bytes are body, not head.
    private var readingBody = false
    private var deadline: Scheduled<Void>?

    init(headTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesArrived else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if !readingBody, deadline == nil { arm(headTimeout, context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            cancel()
            readingBody = true
            arm(bodyTimeout, context: context)
        case .body:
            break
        case .end:
            cancel()
            readingBody = false
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

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            deadline = nil
            context.close(promise: nil)
        }
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }
}
