import Logging
import NIOCore
import NIOPosix
import Synchronization
import TownshipTLS
import TownshipWire

/// The connection to one endpoint: opened on first use, replaced after it closes or goes
/// away, with backoff between failed attempts.
final class ClientConnection: Sendable {
    let endpoint: RPCEndpoint
    private let configuration: RPCClientConfiguration
    private let security: ClientTransportSecurity
    private let group: EventLoopGroup
    private let state = Mutex(State())
    let outstanding = Atomic<Int>(0)

    private struct State {
        var current: EventLoopFuture<ClientConnectionLink>?
        /// `current`'s link once it has completed HELLO: handed out without awaiting the
        /// future, whose `get()` from outside the loop hops to the loop and back every time.
        var ready: ClientConnectionLink?
        var consecutiveFailures = 0
        var retryAfter: ContinuousClock.Instant?
        var lastFailure: String?
        var shutDown = false
        var channels: [ObjectIdentifier: Channel] = [:]
    }

    init(endpoint: RPCEndpoint, configuration: RPCClientConfiguration, security: ClientTransportSecurity, group: EventLoopGroup) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.security = security
        self.group = group
    }

    /// Left out of balancing until this instant after repeated failures.
    var isEjected: Bool {
        state.withLock { state in
            guard let until = state.retryAfter else { return false }
            return state.consecutiveFailures >= configuration.ejectAfterFailures && ContinuousClock.now < until
        }
    }

    /// A connection that has completed HELLO, connecting if there is none.
    func link() async throws -> ClientConnectionLink {
        enum Found { case ready(ClientConnectionLink), pending(EventLoopFuture<ClientConnectionLink>) }
        let found: Found = try state.withLock { state in
            if state.shutDown { throw RPCError(.unavailable, "the client is shut down", wasRefused: true) }
            if let ready = state.ready { return .ready(ready) }
            if let current = state.current { return .pending(current) }
            if let until = state.retryAfter, ContinuousClock.now < until {
                throw RPCError(.unavailable, "\(endpoint) is backing off after: \(state.lastFailure ?? "a failure")", wasRefused: true)
            }
            let future = connect()
            state.current = future
            return .pending(future)
        }
        let future: EventLoopFuture<ClientConnectionLink>
        switch found {
        case .ready(let link): return link
        case .pending(let pending): future = pending
        }
        do {
            return try await future.get()
        } catch {
            recordFailure(future, error)
            throw (error as? RPCError) ?? RPCError(.unavailable, "cannot connect to \(endpoint): \(error)", wasRefused: true)
        }
    }

    private func connect() -> EventLoopFuture<ClientConnectionLink> {
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: Void.self)
        let configuration = self.configuration
        let security = self.security
        let retired = Mutex<EventLoopFuture<ClientConnectionLink>?>(nil)
        let linkFuture = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try security.secureConnectedChannel(channel, serverIdentity: configuration.serverIdentity)
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(BackPressureHandler())
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: configuration.limits.maxFrameSize)))
                    try sync.addHandler(MessageToByteHandler(FrameEncoder()))
                    try sync.addHandler(ClientConnectionHandler(configuration: configuration, ready: ready) {
                        if let future = retired.withLock({ $0 }) { self.forget(future) }
                    })
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMap { channel in
                self.track(channel)
                return channel.pipeline.handler(type: ClientConnectionHandler.self).flatMap { handler in
                    let link = handler.link!
                    return ready.futureResult.map { link }.flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
                }
            }
        // The link stays usable only until its connection retires.
        retired.withLock { $0 = linkFuture }
        ready.futureResult.whenFailure { _ in }
        let timeout = eventLoop.scheduleTask(in: .nanoseconds(configuration.connectTimeout.nanoseconds * 2)) {
            ready.fail(RPCError(.unavailable, "no HELLO from \(self.endpoint) in time", wasRefused: true))
        }
        linkFuture.whenComplete { result in
            timeout.cancel()
            if case .success(let link) = result { self.recordSuccess(linkFuture, link) }
        }
        return linkFuture
    }

    private func track(_ channel: Channel) {
        state.withLock { $0.channels[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    private func forget(_ future: EventLoopFuture<ClientConnectionLink>) {
        state.withLock { state in
            if state.current === future {
                state.current = nil
                state.ready = nil
            }
        }
    }

    private func recordSuccess(_ future: EventLoopFuture<ClientConnectionLink>, _ link: ClientConnectionLink) {
        state.withLock { state in
            state.consecutiveFailures = 0
            state.retryAfter = nil
            // Not if the connection retired in the meantime (`forget` cleared `current`).
            if state.current === future { state.ready = link }
        }
    }

    private func recordFailure(_ future: EventLoopFuture<ClientConnectionLink>, _ error: Error) {
        state.withLock { state in
            guard state.current === future else { return }
            state.current = nil
            state.ready = nil
            state.consecutiveFailures += 1
            state.lastFailure = "\(error)"
            state.retryAfter = ContinuousClock.now + configuration.backoff.delay(attempt: state.consecutiveFailures)
        }
        configuration.logger.warning("connection failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
    }

    func shutdown() async {
        let channels = state.withLock { state in
            state.shutDown = true
            state.current = nil
            state.ready = nil
            return Array(state.channels.values)
        }
        // Through TLS (close_notify, then FIN); a server that does not read would keep that
        // close waiting for ever, so after `closeTimeout` the socket is closed without it.
        let bound = configuration.closeTimeout
        for channel in channels {
            channel.close(promise: nil)
            let force = channel.eventLoop.scheduleTask(in: .nanoseconds(bound.nanoseconds)) {
                channel.triggerUserOutboundEvent(TLSCloseImmediately(), promise: nil)
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            force.cancel()
        }
    }
}
