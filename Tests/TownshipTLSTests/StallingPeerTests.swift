import Foundation
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
import TownshipCertificates
import TownshipTLS

/// Peers that stall or stop reading, over real sockets on 127.0.0.1: the handshake and close
/// timeouts end their connections, nothing crashes, and other clients are served throughout.
@Suite struct StallingPeerTests {
    /// One connects and sends nothing; one sends only a ClientHello. The server queues a
    /// write whose failure closes the channel during each handshake (the intake crash).
    @Test func stalledHandshakesAreClosedByTheTimeoutWhileOthersAreServed() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let timeout = TimeAmount.milliseconds(400)
        let server = try await EchoServer.start(
            configuration: pki.serverConfiguration(handshakeTimeout: timeout), writeOnActive: true)
        let clientContext = try TLSContext(configuration: pki.clientConfiguration(pki.client))

        let started = ContinuousClock.now
        let silent = try await RawPeer.connect(port: server.port)
        let helloOnly = try await RawPeer.connect(port: server.port)
        try await helloOnly.channel.writeAndFlush(try Self.clientHello(pki: pki))

        // Served while the two stall.
        let during = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await during.echo("during") == "during")

        try await waitForClose(of: silent.channel, timeout: .seconds(10))
        try await waitForClose(of: helloOnly.channel, timeout: .seconds(10))
        #expect(ContinuousClock.now - started >= .milliseconds(350))
        // The ClientHello-only peer got the server's first flight, then nothing more.
        #expect(helloOnly.received.readableBytes > 0)
        let timeouts = try await server.log.first("two handshake timeouts") { _ in
            let count = server.log.events.filter { if case .tlsError(.handshakeTimeout) = $0 { true } else { false } }.count
            return count >= 2 ? count : nil
        }
        #expect(timeouts == 2)

        #expect(try await during.echo("still during") == "still during")
        let after = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await after.echo("after") == "after")
        try await during.channel.close()
        try await after.channel.close()
        await server.stop()
    }

    /// A peer that stops reading cannot pin a closing connection: the socket is closed after
    /// the close timeout although close_notify could not be written.
    @Test func closeCompletesWithinTheCloseTimeoutWhenThePeerNeverReads() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let closeTimeout = TimeAmount.milliseconds(300)
        let server = try await EchoServer.start(
            configuration: pki.serverConfiguration(closeTimeout: closeTimeout), sendBufferSize: 4096)
        let client = try await TestClient.connect(
            port: server.port,
            context: try TLSContext(configuration: pki.clientConfiguration(pki.client)),
            receiveBufferSize: 4096
        )
        #expect(try await client.echo("hello") == "hello")

        // Stop reading, then have the server echo far more than the socket buffers hold.
        try await client.channel.setOption(ChannelOptions.autoRead, value: false).get()
        let payload = ByteBuffer(repeating: 0x5a, count: 1 << 20)
        try await client.channel.writeAndFlush(payload)
        let askedToClose = ContinuousClock.now
        try await client.send(Array(RecordingHandler.closeRequest.utf8))

        try await server.log.first("server channel closed", timeout: .seconds(10)) {
            if case .inactive = $0 { () } else { nil }
        }
        let elapsed = ContinuousClock.now - askedToClose
        #expect(elapsed >= .milliseconds(250))
        #expect(elapsed < .seconds(5))
        try await client.channel.close()
        await server.stop()
    }

    /// After a connection error on a completed handshake (here: the server chose no ALPN
    /// protocol), close_notify precedes the FIN: a server we did not write (Python's `ssl`)
    /// sees the stream end cleanly rather than "EOF in violation of protocol".
    @Test func aFailureAfterTheHandshakeSendsCloseNotifyBeforeFIN() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try PythonTLSServer(certificate: pki.server)
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(try await client.log.tlsError() == .noApplicationProtocol(offered: ["twp/1"]))
        try await client.waitUntilClosed()
        #expect(server.outcome() == "clean-close")
    }

    /// TLS cannot stop receiving (alerts and close_notify must still be read): `.input` is
    /// refused, as swift-nio-ssl refuses it, and the connection stays usable.
    @Test func inputHalfCloseIsRefusedAndTheConnectionStaysUsable() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(try await client.echo("before") == "before")
        await #expect(throws: ChannelError.operationUnsupported) { try await client.channel.close(mode: .input) }
        #expect(try await client.echo("after") == "after")
        try await client.channel.close()
        await server.stop()
    }

    /// `.output` (Hummingbird's HTTP/1 channel ends each connection so): close_notify and the
    /// FIN go out, the peer's close_notify is still read, then the socket closes.
    @Test func outputHalfCloseSendsCloseNotifyAndStillReadsThePeersAnswer() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(try await client.echo("before") == "before")
        try await client.channel.close(mode: .output)
        try await client.log.first("the server's close_notify") { if case .closeNotify = $0 { () } else { nil } }
        try await client.waitUntilClosed()
        try await server.log.first("server channel closed") { if case .inactive = $0 { () } else { nil } }
        #expect(client.log.events.allSatisfy { if case .tlsError = $0 { false } else { true } })
        #expect(server.log.events.allSatisfy { if case .tlsError = $0 { false } else { true } })
        await server.stop()
    }

    /// After `close(mode: .output)` a peer that neither answers close_notify nor closes cannot
    /// hold the connection: it is closed after the close timeout.
    @Test func outputHalfCloseIsBoundedByTheCloseTimeout() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try PythonTLSServer(certificate: pki.server, alpn: ["twp/1"], hold: true)
        defer { server.stop() }
        var configuration = pki.clientConfiguration(pki.client)
        configuration.closeTimeout = .milliseconds(300)
        let client = try await TestClient.connect(port: server.port, configuration: configuration)
        _ = try await client.log.handshake()

        let started = ContinuousClock.now
        try await client.channel.close(mode: .output)
        try await client.waitUntilClosed(timeout: .seconds(10))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(250))
        #expect(elapsed < .seconds(5))
        #expect(!client.log.events.contains { if case .closeNotify = $0 { true } else { false } })
    }

    /// The first flight of a real client, captured from an unconnected handler.
    static func clientHello(pki: TestPKI) throws -> ByteBuffer {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        try channel.pipeline.syncOperations.addHandler(
            OpenSSLHandler(context: TLSContext(configuration: pki.clientConfiguration(pki.client))))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4433)).wait()
        return try #require(try channel.readOutbound(as: ByteBuffer.self))
    }
}

/// A TCP peer without TLS: sends what the test gives it and keeps what it receives.
struct RawPeer {
    let channel: any Channel
    private let log: EventLog

    var received: ByteBuffer { log.received }

    static func connect(port: Int) async throws -> RawPeer {
        let log = EventLog()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(log: log, echo: false))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawPeer(channel: channel, log: log)
    }
}
