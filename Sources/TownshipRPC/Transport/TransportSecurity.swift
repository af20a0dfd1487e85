import NIOCore

/// Fired through a channel's pipeline once the transport is secured (or, for plaintext,
/// connected): the RPC handlers start the HELLO exchange only then, and learn the peer's
/// identity from it.
public struct TransportReady: Sendable {
    /// The peer's SPIFFE identity from its certificate's URI SAN; nil on plaintext.
    public var peerIdentity: String?

    public init(peerIdentity: String?) { self.peerIdentity = peerIdentity }
}

/// How a server secures an accepted channel. Implementations add their handlers with
/// `channel.pipeline.syncOperations` (this is called on the channel's event loop) and must
/// eventually fire `TransportReady` inbound, or close the channel.
public protocol ServerTransportSecurity: Sendable {
    func secureAcceptedChannel(_ channel: Channel) throws
}

/// How a client secures a channel it opened to a server expected to be `serverIdentity`.
public protocol ClientTransportSecurity: Sendable {
    func secureConnectedChannel(_ channel: Channel, serverIdentity: String?) throws
}

/// No TLS at all: only for the RPC layer's own tests and for the plaintext ceiling in
/// benchmarks. Services never use it.
public struct PlaintextTransport: ServerTransportSecurity, ClientTransportSecurity {
    public init() {}

    public func secureAcceptedChannel(_ channel: Channel) throws {
        try channel.pipeline.syncOperations.addHandler(AnnounceReadyOnActive())
    }

    public func secureConnectedChannel(_ channel: Channel, serverIdentity: String?) throws {
        try channel.pipeline.syncOperations.addHandler(AnnounceReadyOnActive())
    }
}

/// Fires `TransportReady` with no identity as soon as the channel is active.
final class AnnounceReadyOnActive: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    // Bootstraps add every handler before the channel becomes active, so the RPC handler
    // behind this one is in place when the event passes.
    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        context.fireUserInboundEventTriggered(TransportReady(peerIdentity: nil))
    }
}
