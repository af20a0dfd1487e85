import Logging
import NIOCore

extension ChannelPipeline.SynchronousOperations {
    /// Adds an `OpenSSLHandler` for `context` (server or client, per its configuration).
    /// Call from a channel initializer, on the channel's event loop.
    public func addTownshipTLSHandler(
        context: TLSContext,
        expectedPeerIdentity: String? = nil,
        sessionCacheKey: String? = nil,
        logger: Logger = Logger(label: "township.tls"),
        metrics: TLSMetrics = TLSMetrics()
    ) throws {
        try addHandler(
            OpenSSLHandler(
                context: context,
                expectedPeerIdentity: expectedPeerIdentity,
                sessionCacheKey: sessionCacheKey,
                logger: logger,
                metrics: metrics
            )
        )
    }

    /// Adds an `OpenSSLHandler` using the newest context of `provider`.
    public func addTownshipTLSHandler(
        provider: ReloadableTLSContext,
        expectedPeerIdentity: String? = nil,
        sessionCacheKey: String? = nil,
        logger: Logger = Logger(label: "township.tls"),
        metrics: TLSMetrics = TLSMetrics()
    ) throws {
        try addTownshipTLSHandler(
            context: provider.current,
            expectedPeerIdentity: expectedPeerIdentity,
            sessionCacheKey: sessionCacheKey,
            logger: logger,
            metrics: metrics
        )
    }
}
