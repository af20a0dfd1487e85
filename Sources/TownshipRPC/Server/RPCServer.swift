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
    private let bound = AsyncStreamBox<SocketAddress>()

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
        try await bound.first()
    }

    public var connectionCount: Int { registry.count }

    public func run() async throws {
        let router = self.router
        let configuration = self.configuration
        let security = self.security
        let registry = self.registry
        let channel = try await ServerBootstrap(group: group)
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
        if let address = channel.localAddress { bound.yield(address) }
        configuration.logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])

        // Stop accepting on SIGTERM (or cancellation), then drain what is in flight.
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
        }
        await drain()
    }

    /// Stops accepting, drains every connection, and waits up to the drain timeout.
    private func drain() async {
        registry.drainAll()
        let deadline = ContinuousClock.now + configuration.drainTimeout
        while registry.count > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if registry.count > 0 {
            configuration.logger.warning("drain timeout: closing \(registry.count) connections with calls in flight")
            await registry.closeAll()
        }
        configuration.logger.info("stopped")
    }
}

/// A value that arrives once and is awaited by anyone, before or after it arrives.
final class AsyncStreamBox<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiters: [CheckedContinuation<Value, Error>])>((nil, []))

    func yield(_ value: Value) {
        let waiters = state.withLock { state in
            state.value = value
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    func first() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let value: Value? = state.withLock { state in
                if let value = state.value { return value }
                state.waiters.append(continuation)
                return nil
            }
            if let value { continuation.resume(returning: value) }
        }
    }
}
