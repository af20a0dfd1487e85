import Logging
import NIOCore
import TownshipTLS

/// Mutual TLS 1.3 on the system OpenSSL for servers. Each accepted connection uses the newest
/// context of `contexts`, so certificates rotated on disk and reloaded apply to new
/// connections without a restart.
public struct TLSServerTransport: ServerTransportSecurity {
    public let contexts: ReloadableTLSContext
    public let logger: Logger

    public init(contexts: ReloadableTLSContext, logger: Logger = Logger(label: "township.tls")) {
        self.contexts = contexts
        self.logger = logger
    }

    public func secureAcceptedChannel(_ channel: Channel) throws {
        let sync = channel.pipeline.syncOperations
        try sync.addTownshipTLSHandler(provider: contexts, logger: logger)
        try sync.addHandler(AnnounceReadyAfterHandshake())
    }
}

/// Mutual TLS 1.3 for clients; the server must present `serverIdentity`.
public struct TLSClientTransport: ClientTransportSecurity {
    public let contexts: ReloadableTLSContext
    public let logger: Logger

    public init(contexts: ReloadableTLSContext, logger: Logger = Logger(label: "township.tls")) {
        self.contexts = contexts
        self.logger = logger
    }

    public func secureConnectedChannel(_ channel: Channel, serverIdentity: String?) throws {
        let sync = channel.pipeline.syncOperations
        try sync.addTownshipTLSHandler(provider: contexts, expectedPeerIdentity: serverIdentity, logger: logger)
        try sync.addHandler(AnnounceReadyAfterHandshake())
    }
}

/// Turns the TLS handler's handshake event into the RPC layer's `TransportReady`.
final class AnnounceReadyAfterHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted {
            context.fireUserInboundEventTriggered(event)
            context.fireUserInboundEventTriggered(TransportReady(peerIdentity: handshake.peerIdentity))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
