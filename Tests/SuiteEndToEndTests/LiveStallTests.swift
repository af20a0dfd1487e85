import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TownshipRPC
import TownshipTLS
import TownshipWire

/// The real `intake` executable, as a process of its own, against peers that stall the start
/// of a connection (issue #10: such a peer crashed intake when its HELLO and handshake timers
/// fired): one that connects and sends nothing, one that sends only a ClientHello, one that
/// completes mutual TLS and never sends HELLO. Each is closed by intake's timeouts (10 s, its
/// defaults), the last with GOAWAY(HELLO_TIMEOUT); a well-behaved client is answered during
/// and after; and intake is still alive at the end.
@Suite(.serialized) struct LiveStallTests {
    static let intakeIdentity = "spiffe://township.local/service/intake"
    /// intake's HELLO and TLS handshake timeouts (10 s each), plus a margin for a debug build
    /// on a loaded machine.
    static let closedWithin = Duration.seconds(25)

    @Test func stalledPeersAreClosedAndIntakeKeepsServing() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        try suite.seedIntake()
        try suite.startIntake()
        let certs = suite.state.appendingPathComponent("certs")
        let client = RPCClient(
            configuration: RPCClientConfiguration(
                endpoints: [RPCEndpoint(host: "127.0.0.1", port: suite.intakePort)], serverIdentity: Self.intakeIdentity),
            security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: Self.clientTLS(certs))))
        defer { Task { await client.shutdown() } }
        try await eventually("intake answers a well-behaved client") { try await Self.answered(client) }

        let silent = try await LivePeer.connect(port: suite.intakePort, tls: nil)
        // Its own handshake timeout is far beyond intake's: the close must come from intake.
        var patient = Self.clientTLS(certs)
        patient.handshakeTimeout = .seconds(120)
        let clientHelloOnly = try await LivePeer.connect(port: suite.intakePort, tls: try TLSContext(configuration: patient), dropReads: true)
        let noHello = try await LivePeer.connect(port: suite.intakePort, tls: try TLSContext(configuration: Self.clientTLS(certs)))
        try await noHello.handshakeDone.futureResult.get()

        try await Self.answered(client)
        #expect(await silent.closed(within: Self.closedWithin), "the silent peer was not closed")
        #expect(await clientHelloOnly.closed(within: Self.closedWithin), "the ClientHello-only peer was not closed")
        #expect(await noHello.closed(within: Self.closedWithin), "the peer without HELLO was not closed")
        let frames = noHello.frames()
        #expect(frames.count == 1, "\(frames.map(\.type))")
        if case .goAway(let goAway)? = frames.first {
            #expect(goAway.code == .helloTimeout)
        } else {
            Issue.record("no GOAWAY(HELLO_TIMEOUT): \(frames.map(\.type))")
        }
        #expect(noHello.sawCloseNotify, "no close_notify before the FIN")

        #expect(suite.intake?.isRunning == true, "intake died")
        try await Self.answered(client)
        #expect(suite.intake?.isRunning == true, "intake died")
    }

    static func clientTLS(_ certs: URL) -> TLSConfiguration {
        .client(certificateChainPath: certs.appendingPathComponent("service-gateway.crt").path,
                privateKeyPath: certs.appendingPathComponent("service-gateway.key").path,
                trustedCAPath: certs.appendingPathComponent("ca.crt").path, expectedServerIdentity: intakeIdentity)
    }

    /// A call intake answers: the answer itself (a list, or an ERROR such as UNAUTHENTICATED
    /// for a call without a principal) shows the server is serving; only a failure to get
    /// any answer (UNAVAILABLE) counts as not served.
    static func answered(_ client: RPCClient) async throws {
        do {
            _ = try await client.unary("township.intake.v1.Intake/ListVillages", ByteBuffer(), options: CallOptions(timeout: .seconds(5)))
        } catch let error as RPCError where error.status != .unavailable && error.status != .deadlineExceeded {
            return
        }
    }
}

/// A raw peer of the live test: plain TCP (`tls` nil), or TLS that either completes or,
/// with `dropReads`, never sees the server's answer to its ClientHello.
final class LivePeer: Sendable {
    let channel: Channel
    let handshakeDone: EventLoopPromise<Void>
    private let received = Mutex<(bytes: ByteBuffer, closeNotify: Bool)>((ByteBuffer(), false))

    private init(channel: Channel, handshakeDone: EventLoopPromise<Void>) {
        self.channel = channel
        self.handshakeDone = handshakeDone
    }

    static func connect(port: Int, tls: TLSContext?, dropReads: Bool = false) async throws -> LivePeer {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let handshakeDone = eventLoop.makePromise(of: Void.self)
        let peer = Mutex<LivePeer?>(nil)
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let tls else { return }
                    let sync = channel.pipeline.syncOperations
                    if dropReads { try sync.addHandler(LivePeerDropReads()) }
                    try sync.addTownshipTLSHandler(context: tls)
                    try sync.addHandler(LivePeerCollector(peer: { peer.withLock { $0 } }, handshakeDone: handshakeDone))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let livePeer = LivePeer(channel: channel, handshakeDone: handshakeDone)
        peer.withLock { $0 = livePeer }
        channel.closeFuture.whenComplete { _ in handshakeDone.fail(ChannelError.ioOnClosedChannel) }
        return livePeer
    }

    func append(_ bytes: ByteBuffer) { received.withLock { _ = $0.bytes.writeImmutableBuffer(bytes) } }
    func markCloseNotify() { received.withLock { $0.closeNotify = true } }
    var sawCloseNotify: Bool { received.withLock { $0.closeNotify } }

    func frames() -> [Frame] {
        var buffer = received.withLock { $0.bytes }
        var decoder = FrameDecoder(maxFrameSize: WireLimits.maxMaxFrameSize)
        var frames: [Frame] = []
        while let frame = try? decoder.decodeFrame(&buffer) { frames.append(frame) }
        return frames
    }

    /// Whether the server closed the connection within `limit`.
    func closed(within limit: Duration) async -> Bool {
        let channel = self.channel
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            if !first { channel.close(promise: nil) }
            return first
        }
    }
}

final class LivePeerDropReads: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

final class LivePeerCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let peer: @Sendable () -> LivePeer?
    let handshakeDone: EventLoopPromise<Void>

    init(peer: @escaping @Sendable () -> LivePeer?, handshakeDone: EventLoopPromise<Void>) {
        self.peer = peer
        self.handshakeDone = handshakeDone
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TLSHandshakeCompleted { handshakeDone.succeed() }
        if event is TLSCloseNotifyReceived { peer()?.markCloseNotify() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer()?.append(unwrapInboundIn(data))
    }
}
