import NIOCore
import NIOPosix
import TownshipTLS

/// A TCP peer that stalls a server's connection start: it connects and then sends nothing,
/// or only its TLS ClientHello (whatever the server answers is dropped before TLS sees it,
/// so the handshake never moves on).
final class StallingPeer: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case silent
        case clientHelloOnly
    }

    let channel: Channel

    static func connect(port: Int, kind: Kind, pki: TestPKI) async throws -> StallingPeer {
        let context = try TLSContext(configuration: .client(
            certificateChainPath: pki.gateway.certificatePath, privateKeyPath: pki.gateway.privateKeyPath,
            trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: TestPKI.echoIdentity))
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard kind == .clientHelloOnly else { return }
                    // First in the pipeline: the server's ServerHello never reaches TLS.
                    try channel.pipeline.syncOperations.addHandler(DropEverythingRead())
                    try channel.pipeline.syncOperations.addTownshipTLSHandler(context: context)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return StallingPeer(channel: channel)
    }

    private init(channel: Channel) { self.channel = channel }

    /// How long until the server closed the connection, or nil if it did not within `limit`.
    func closed(within limit: Duration) async -> Duration? {
        let started = ContinuousClock.now
        let channel = self.channel
        return await withTaskGroup(of: Duration?.self) { group in
            group.addTask {
                _ = try? await channel.closeFuture.get()
                return ContinuousClock.now - started
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    func close() async { try? await channel.close() }
}

/// Swallows every byte read.
final class DropEverythingRead: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
