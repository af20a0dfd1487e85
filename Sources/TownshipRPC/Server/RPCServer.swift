import Logging
import NIOCore
import Synchronization
import NIOPosix
import ServiceLifecycle
import TownshipWire

/// A TWP/1 server: binds, serves every connection with `ServerConnectionHandler`, and on
/// graceful shutdown (SIGTERM through swift-service-lifecycle) sends GOAWAY on every
/// connection, lets the calls in flight finish, then closes.
public final class RPCServer: Service, Sendable {
    public let configuration: RPCServerConfiguration
    private let router: RPCRouter
    private let security: ServerTransportSecurity
    private let group: EventLoopGroup
    private let registry = ServerConnectionRegistry()
    private let bound = OnceValue<SocketAddress>()

    public init(
        configuration: RPCServerConfiguration, router: RPCRouter, security: ServerTransportSecurity,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.router = router
        self.security = security
        self.group = group
    }

    /// The address the server listens on, once it does (port 0 picks a free port).
    public func localAddress() async throws -> SocketAddress {
        try await bound.value()
    }

    public var connectionCount: Int { registry.count }

    /// Handler tasks that have not returned yet, over all connections. A call that ended
    /// (cancelled, timed out) counts until its handler has returned.
    public var handlerTaskCount: Int { registry.handlerTasks.count }

    /// The most handler tasks that were alive at once since the server started.
    public var peakHandlerTaskCount: Int { registry.handlerTasks.peak }

    public func run() async throws {
        let channel: Channel
        do {
            channel = try await bind(router: router, configuration: configuration, security: security, registry: registry)
        } catch {
            // Whoever waits for the address learns why there is none.
            bound.fail(error)
            throw error
        }
        if let address = channel.localAddress { bound.set(address) }
        configuration.logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])

        // Stop accepting on SIGTERM (or cancellation), then drain what is in flight.
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
        }
        await drain()
    }

    /// Stops accepting, drains every connection, and waits up to the drain timeout; then
    /// closes what is left (bounded by the close timeout, even for peers that never read)
    /// and waits, within the same bound, for the handler tasks to return.
    private func drain() async {
        let clock = group.next()
        registry.drainAll()
        if await !registry.waitUntilEmpty(within: configuration.drainTimeout, on: clock) {
            configuration.logger.warning("drain timeout: closing \(registry.count) connections with calls in flight")
            await registry.closeAll(within: configuration.closeTimeout, on: clock)
        }
        // Every call has ended with its connection; handlers still unwinding are told to stop.
        registry.handlerTasks.cancelAll()
        if await !registry.handlerTasks.waitUntilEmpty(within: configuration.closeTimeout, on: clock) {
            configuration.logger.warning("\(registry.handlerTasks.count) handler tasks did not return after their calls ended")
        }
        configuration.logger.info("stopped")
    }

    private func bind(router: RPCRouter, configuration: RPCServerConfiguration, security: ServerTransportSecurity,
                      registry: ServerConnectionRegistry) async throws -> Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try security.secureAcceptedChannel(channel)
                    let sync = channel.pipeline.syncOperations
                    // A peer that stops reading our answers stops being read from, so what
                    // we buffer for it stays bounded by the write watermarks.
                    try sync.addHandler(BackPressureHandler())
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: configuration.limits.maxFrameSize)))
                    try sync.addHandler(MessageToByteHandler(FrameEncoder()))
                    try sync.addHandler(ServerConnectionHandler(router: router, configuration: configuration, registry: registry))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
    }
}
