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
            security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: Self.clientTLS(certs, as: "admin-township"))))
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

    /// `identity`: the base name of the certificate files; an admin tool calls as itself.
    static func clientTLS(_ certs: URL, as identity: String = "service-gateway") -> TLSConfiguration {
        .client(certificateChainPath: certs.appendingPathComponent("\(identity).crt").path,
                privateKeyPath: certs.appendingPathComponent("\(identity).key").path,
                trustedCAPath: certs.appendingPathComponent("ca.crt").path, expectedServerIdentity: intakeIdentity)
    }

    /// A call intake answers (the admin tool's villages).
    static func answered(_ client: RPCClient) async throws {
        _ = try await client.unary("township.intake.v1.Intake/ListVillages", ByteBuffer(), options: CallOptions(timeout: .seconds(5)))
    }

    /// Spec §11 against the real executable on SIGTERM: GOAWAY(last id, OK); an open upload
    /// (id 1, at or below last_request_id) still gets its answer; a REQUEST after the GOAWAY
    /// gets REFUSED(UNAVAILABLE); then close_notify and FIN, and intake exits.
    @Test func sigtermDrainsAsTheSpecSays() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        try suite.seedIntake()
        try suite.startIntake()
        let certs = suite.state.appendingPathComponent("certs")
        let admin = try TLSContext(configuration: Self.clientTLS(certs, as: "admin-township"))
        let peer = try await eventually("intake accepts connections") {
            let peer = try await LivePeer.connect(port: suite.intakePort, tls: admin)
            try await peer.handshakeDone.futureResult.get()
            return peer
        }
        try await peer.send([
            .hello(Hello(maxConcurrentRequests: 0, capabilities: [], agent: "live-drain")),
            .request(id: 1, Request(method: "township.intake.v1.Intake/UploadAttachment")),
            .request(id: 2, Request(method: "township.intake.v1.Intake/ListVillages")),
        ])
        #expect(try await peer.awaitFrame { if case .response(2, _) = $0 { true } else { false } } != nil, "\(peer.frames().map(\.type))")

        suite.intake?.terminate()
        guard case .goAway(let goAway)? = try await peer.awaitFrame(where: { $0.type == .goAway }) else {
            Issue.record("no GOAWAY on SIGTERM: \(peer.frames().map(\.type))")
            return
        }
        #expect(goAway.code == .ok)
        #expect(goAway.lastRequestID == 2)
        try await peer.send([.request(id: 3, Request(method: "township.intake.v1.Intake/ListVillages"))])
        let refused = try await peer.awaitFrame { if case .refused(3, _) = $0 { true } else { false } }
        if case .refused(_, let refusal)? = refused {
            #expect(refusal.status == .unavailable)
        } else {
            Issue.record("no REFUSED(UNAVAILABLE) after the GOAWAY: \(peer.frames().map(\.type))")
        }
        // The upload ends without its metadata: its answer is the handler's INVALID_ARGUMENT.
        try await peer.send([.endStream(id: 1)])
        let answer = try await peer.awaitFrame { if case .error(1, _) = $0 { true } else { false } }
        #expect(answer != nil, "the open upload got no answer: \(peer.frames().map(\.type))")
        #expect(await peer.closed(within: .seconds(10)))
        #expect(peer.sawCloseNotify, "a bare FIN without close_notify")
        suite.intake?.waitUntilExit()
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
        let channel: Channel
        do {
            channel = try await bootstrap(eventLoop, tls: tls, dropReads: dropReads, peer: { peer.withLock { $0 } }, handshakeDone: handshakeDone)
                .connect(host: "127.0.0.1", port: port).get()
        } catch {
            handshakeDone.fail(error)
            throw error
        }
        let livePeer = LivePeer(channel: channel, handshakeDone: handshakeDone)
        peer.withLock { $0 = livePeer }
        channel.closeFuture.whenComplete { _ in handshakeDone.fail(ChannelError.ioOnClosedChannel) }
        return livePeer
    }

    private static func bootstrap(_ eventLoop: EventLoop, tls: TLSContext?, dropReads: Bool, peer: @escaping @Sendable () -> LivePeer?,
                                  handshakeDone: EventLoopPromise<Void>) -> ClientBootstrap {
        ClientBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let tls else { return }
                    let sync = channel.pipeline.syncOperations
                    if dropReads { try sync.addHandler(LivePeerDropReads()) }
                    try sync.addTownshipTLSHandler(context: tls)
                    try sync.addHandler(LivePeerCollector(peer: peer, handshakeDone: handshakeDone))
                }
            }
    }

    func send(_ frames: [Frame]) async throws {
        var bytes = ByteBuffer()
        for frame in frames { try FrameSerializer.write(frame, into: &bytes) }
        try await channel.writeAndFlush(bytes)
    }

    /// The first received frame that matches, waiting up to `limit`.
    func awaitFrame(within limit: Duration = .seconds(10), where matches: (Frame) -> Bool) async throws -> Frame? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let frame = frames().first(where: matches) { return frame }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
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
