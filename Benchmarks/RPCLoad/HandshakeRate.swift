import BenchmarkSupport
import Dispatch
import NIOCore
import NIOPosix
import TownshipTLS

/// Sequential TLS 1.3 mutual-TLS handshakes per second with our OpenSSL handler: connect,
/// handshake, one byte each way (so the client has read the server's session tickets), close.
enum HandshakeRate {
    enum Mode: String, CaseIterable, Sendable {
        /// A new client `TLSContext` per connection, as a freshly started client would have.
        case fullNewContext = "full, new client context each time"
        /// One client context, but a fresh session-cache key each time: nothing to resume.
        case fullSharedContext = "full, shared client context"
        /// One client context offering the ticket from the previous connection.
        case resumed = "resumed (session ticket)"
    }

    struct Result: Sendable {
        let mode: Mode
        let handshakes: Int
        let resumed: Int
        let seconds: Double
        var perSecond: Double { Double(handshakes) / seconds }
    }

    static func measure(pki: BenchmarkPKI, duration: Duration) async throws -> [Result] {
        let group = MultiThreadedEventLoopGroup.singleton
        let serverContext = try TLSContext(configuration: .server(
            certificateChainPath: pki.server.certificatePath, privateKeyPath: pki.server.privateKeyPath,
            trustedCAPath: pki.ca.certificatePath))
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addTownshipTLSHandler(context: serverContext)
                    try channel.pipeline.syncOperations.addHandler(ByteEcho())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = server.localAddress!.port!
        let clientConfiguration = TLSConfiguration.client(
            certificateChainPath: pki.client.certificatePath, privateKeyPath: pki.client.privateKeyPath,
            trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: pki.serverIdentity)
        let sharedContext = try TLSContext(configuration: clientConfiguration)

        var results: [Result] = []
        for mode in Mode.allCases {
            // Prime the cache so the first measured resumption has a ticket.
            _ = try await connectOnce(group: group, port: port, context: sharedContext, cacheKey: "resume")
            let durationNanos = ClosedLoopLoad.nanoseconds(duration)
            let start = DispatchTime.now().uptimeNanoseconds
            var handshakes = 0
            var resumed = 0
            var serial = 0
            while DispatchTime.now().uptimeNanoseconds - start < durationNanos {
                serial += 1
                let wasResumed: Bool
                switch mode {
                case .fullNewContext:
                    let context = try TLSContext(configuration: clientConfiguration)
                    wasResumed = try await connectOnce(group: group, port: port, context: context, cacheKey: "new")
                case .fullSharedContext:
                    wasResumed = try await connectOnce(group: group, port: port, context: sharedContext, cacheKey: "fresh-\(serial)")
                case .resumed:
                    wasResumed = try await connectOnce(group: group, port: port, context: sharedContext, cacheKey: "resume")
                }
                handshakes += 1
                if wasResumed { resumed += 1 }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            results.append(Result(mode: mode, handshakes: handshakes, resumed: resumed, seconds: seconds))
        }
        return results
    }

    /// One connection; returns whether its handshake resumed a session.
    private static func connectOnce(group: EventLoopGroup, port: Int, context: TLSContext, cacheKey: String) async throws -> Bool {
        let eventLoop = group.next()
        let done = eventLoop.makePromise(of: Bool.self)
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addTownshipTLSHandler(context: context, sessionCacheKey: cacheKey)
                    try channel.pipeline.syncOperations.addHandler(HandshakeProbe(done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let resumed: Bool
        do {
            resumed = try await done.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        try? await channel.close().get()
        return resumed
    }
}

/// Server side: echoes what it reads.
private final class ByteEcho: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}

/// Client side: after the handshake, one byte out and back; then reports `resumed`.
private final class HandshakeProbe: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let done: EventLoopPromise<Bool>
    private var resumed: Bool?
    private var finished = false

    init(done: EventLoopPromise<Bool>) { self.done = done }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted {
            resumed = handshake.resumed
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [42])), promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let resumed { finish(.success(resumed)) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<Bool, Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(result)
    }
}
