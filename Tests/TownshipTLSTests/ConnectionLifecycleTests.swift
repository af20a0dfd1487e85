import Foundation
import NIOCore
import NIOPosix
import Testing
import TownshipCertificates
import TownshipTLS

/// Resumption, timeouts, shutdown, reload and bulk data over real sockets on 127.0.0.1.
@Suite struct ConnectionLifecycleTests {
    @Test func secondConnectionResumesTheSession() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let clientContext = try TLSContext(configuration: pki.clientConfiguration(pki.client))

        let first = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await first.log.handshake().resumed == false)
        // The echo comes back after the server's session tickets, so the client holds one now.
        #expect(try await first.echo("first") == "first")
        try await first.channel.close()

        let second = try await TestClient.connect(port: server.port, context: clientContext)
        let resumed = try await second.log.handshake()
        #expect(resumed.resumed == true)
        #expect(resumed.peerIdentity == TestPKI.server.uri)
        #expect(try await second.echo("second") == "second")

        let serverViews = try await server.log.first("two server handshakes") { _ in
            let views = server.log.events.compactMap { if case .handshake(let view) = $0 { view } else { nil } }
            return views.count >= 2 ? views : nil
        }
        #expect(serverViews.map(\.resumed) == [false, true])
        // A resumed session still carries the client's identity.
        #expect(serverViews[1].peerIdentity == TestPKI.client.uri)
        try await second.channel.close()
        await server.stop()
    }

    @Test func silentClientIsClosedAfterTheHandshakeTimeout() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(
            configuration: pki.serverConfiguration(handshakeTimeout: .milliseconds(300))
        )
        // A raw TCP client that never sends a ClientHello.
        let started = ContinuousClock.now
        let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.port)
            .get()
        try await waitForClose(of: raw, timeout: .seconds(10))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(250))
        #expect(try await server.log.tlsError() == .handshakeTimeout)
        await server.stop()
    }

    @Test func gracefulCloseSendsCloseNotify() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(try await client.echo("bye") == "bye")

        try await client.channel.close()
        try await server.log.first("close_notify at the server") {
            if case .closeNotify = $0 { () } else { nil }
        }
        try await server.log.first("server channel closed") {
            if case .inactive = $0 { () } else { nil }
        }
        #expect(server.log.events.allSatisfy { if case .tlsError = $0 { false } else { true } })
        await server.stop()
    }

    @Test func serverCloseNotifyReachesTheClient() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(try await client.echo("ping") == "ping")

        try await client.send(Array(RecordingHandler.closeRequest.utf8))
        try await client.log.first("close_notify at the client") {
            if case .closeNotify = $0 { () } else { nil }
        }
        try await client.waitUntilClosed()
        #expect(client.log.events.allSatisfy { if case .tlsError = $0 { false } else { true } })
        await server.stop()
    }

    @Test func uncleanShutdownIsReported() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(try await client.echo("x") == "x")

        // Close the socket underneath TLS: no close_notify is sent.
        try await client.channel.pipeline.removeHandler(name: TestClient.tlsHandlerName).get()
        try await client.channel.close()
        #expect(try await server.log.tlsError() == .uncleanShutdown)
        await server.stop()
    }

    @Test func reloadServesNewCertificateAndKeepsOldOnFailure() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        // The server's files live at one path that is rewritten between reloads.
        let live = try pki.ca.issue(identity: TestPKI.server).write(to: pki.directory, baseName: "live")
        let provider = try ReloadableTLSContext(configuration: pki.serverConfiguration(live))
        let server = try await EchoServer.start(provider: provider)
        let clientContext = try TLSContext(configuration: pki.clientConfiguration(pki.client))

        let before = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await before.log.handshake().peerIdentity == TestPKI.server.uri)

        let renamed = try TownshipIdentity.service("canteen-meals")
        try pki.ca.issue(identity: renamed).write(to: pki.directory, baseName: "live", overwrite: true)
        try await provider.reload(on: .singleton)

        let after = try await TestClient.connect(port: server.port, context: clientContext, expectedPeerIdentity: renamed.uri)
        let afterView = try await after.log.handshake()
        #expect(afterView.peerIdentity == renamed.uri)
        #expect(afterView.resumed == false)
        // The connection made before the reload is untouched.
        #expect(try await before.echo("still here") == "still here")

        try "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
            .write(toFile: live.certificatePath, atomically: true, encoding: .utf8)
        await #expect(throws: TLSError.self) { try await provider.reload(on: .singleton) }
        do {
            try provider.reload()
            Issue.record("reload from a broken certificate file succeeded")
        } catch {
            guard case .configurationFailed(let check, let reason) = error else {
                Issue.record("expected configurationFailed, got \(error)")
                return
            }
            #expect(check.contains("certificate chain"))
            #expect(!reason.isEmpty)
        }

        let afterFailure = try await TestClient.connect(
            port: server.port, context: clientContext, expectedPeerIdentity: renamed.uri)
        #expect(try await afterFailure.log.handshake().peerIdentity == renamed.uri)
        #expect(try await afterFailure.echo("served by the old context") == "served by the old context")

        for client in [before, after, afterFailure] {
            try await client.channel.close()
        }
        await server.stop()
    }

    @Test func largeEchoRoundTrip() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        _ = try await client.log.handshake()

        let size = 6 * 1024 * 1024 + 123
        // Not constant, so a dropped, repeated or reordered TLS record changes the bytes.
        var payload = ByteBuffer()
        payload.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
            var state: UInt32 = 2_463_534_242
            for index in 0..<size {
                state ^= state << 13
                state ^= state >> 17
                state ^= state << 5
                bytes[index] = UInt8(truncatingIfNeeded: state)
            }
            return size
        }
        let started = ContinuousClock.now
        // One big write, and a burst of small writes in one flush.
        try await client.channel.writeAndFlush(payload)
        let small = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        for chunk in stride(from: 0, to: small.count, by: 7) {
            client.channel.write(ByteBuffer(bytes: small[chunk..<min(chunk + 7, small.count)]), promise: nil)
        }
        client.channel.flush()

        let received = try await client.log.waitForReceived(count: size + small.count, timeout: .seconds(60))
        print("echoed \(size + small.count) bytes in \(ContinuousClock.now - started)")
        #expect(received.readableBytes == size + small.count)
        #expect(received.getSlice(at: received.readerIndex, length: size) == payload)
        #expect(received.getSlice(at: received.readerIndex + size, length: small.count) == ByteBuffer(bytes: small))
        try await client.channel.close()
        await server.stop()
    }

    @Test func writesBeforeTheHandshakeAreDeliveredAfterIt() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let context = try TLSContext(configuration: pki.clientConfiguration(pki.client))
        let log = EventLog()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addTownshipTLSHandler(context: context)
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(log: log, echo: false))
                }
            }
            .connect(host: "127.0.0.1", port: server.port)
            .get()
        // Written at once, before the handshake can have finished.
        try await channel.writeAndFlush(ByteBuffer(string: "early"))
        #expect(log.sawHandshake)
        let received = try await log.waitForReceived(count: 5)
        #expect(String(buffer: received) == "early")
        try await channel.close()
        await server.stop()
    }
}
