import MetricsTestKit
import NIOCore
import Testing
import TownshipCertificates
import TownshipTLS

/// The mutual-TLS matrix over real sockets on 127.0.0.1: only the valid pair is accepted.
@Suite struct MutualTLSTests {
    @Test func validPairIsAcceptedAndBothSidesSeeTheRightIdentity() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))

        let clientView = try await client.log.handshake()
        #expect(clientView.peerIdentity == TestPKI.server.uri)
        #expect(clientView.negotiatedALPN == "twp/1")
        #expect(clientView.resumed == false)
        #expect(try await client.echo("hello, township") == "hello, township")

        let serverView = try await server.log.handshake()
        #expect(serverView.peerIdentity == TestPKI.client.uri)
        #expect(serverView.negotiatedALPN == "twp/1")
        #expect(server.log.events.allSatisfy { if case .tlsError = $0 { false } else { true } })

        try await client.channel.close()
        await server.stop()
    }

    @Test func clientWithoutCertificateIsRejected() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(nil))

        #expect(try await server.log.tlsError() == .noPeerCertificate)
        // TLS 1.3: the client's handshake may complete; the refusal arrives as an alert.
        let clientError = try await client.log.tlsError()
        guard case .peerAlert(let reason) = clientError else {
            Issue.record("expected a peer alert, got \(clientError)")
            return
        }
        #expect(reason.contains("certificate required"))
        try await client.waitUntilClosed()
        #expect(!server.log.sawHandshake)
        await server.stop()
    }

    @Test func clientCertificateFromAnotherCAIsRejected() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(
            port: server.port,
            configuration: pki.clientConfiguration(pki.clientFromOtherCA)
        )

        let serverError = try await server.log.tlsError()
        guard case .certificateVerificationFailed(let reason) = serverError else {
            Issue.record("expected a verification failure, got \(serverError)")
            return
        }
        #expect(reason.contains("issuer"))
        let clientError = try await client.log.tlsError()
        guard case .peerAlert(let alert) = clientError else {
            Issue.record("expected a peer alert, got \(clientError)")
            return
        }
        #expect(alert.contains("unknown ca"))
        try await client.waitUntilClosed()
        #expect(!server.log.sawHandshake)
        await server.stop()
    }

    @Test func expiredClientCertificateIsRejected() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(
            port: server.port,
            configuration: pki.clientConfiguration(pki.expiredClient)
        )

        #expect(try await server.log.tlsError() == .certificateVerificationFailed(reason: "certificate has expired"))
        let clientError = try await client.log.tlsError()
        guard case .peerAlert(let alert) = clientError else {
            Issue.record("expected a peer alert, got \(clientError)")
            return
        }
        #expect(alert.contains("certificate expired"))
        try await client.waitUntilClosed()
        #expect(!server.log.sawHandshake)
        await server.stop()
    }

    @Test func clientRejectsServerWithTheWrongIdentity() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration(pki.serverWithOtherIdentity))
        let client = try await TestClient.connect(
            port: server.port,
            configuration: pki.clientConfiguration(pki.client, expecting: TestPKI.server)
        )

        #expect(
            try await client.log.tlsError()
                == .peerIdentityMismatch(expected: TestPKI.server.uri, actual: TestPKI.otherService.uri)
        )
        #expect(!client.log.sawHandshake)
        let serverError = try await server.log.tlsError()
        guard case .peerAlert = serverError else {
            Issue.record("expected the server to see the client's alert, got \(serverError)")
            return
        }
        try await client.waitUntilClosed()
        #expect(!server.log.sawHandshake)
        await server.stop()
    }

    @Test func perConnectionExpectedIdentityOverridesTheConfiguration() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration(pki.serverWithOtherIdentity))
        let context = try TLSContext(configuration: pki.clientConfiguration(pki.client, expecting: TestPKI.server))
        let client = try await TestClient.connect(
            port: server.port,
            context: context,
            expectedPeerIdentity: TestPKI.otherService.uri
        )
        #expect(try await client.log.handshake().peerIdentity == TestPKI.otherService.uri)
        #expect(try await client.echo("ok") == "ok")
        try await client.channel.close()
        await server.stop()
    }

    @Test func serverRefusesClientsWithoutTheTWPProtocol() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        var configuration = pki.clientConfiguration(pki.client)
        configuration.applicationProtocols = ["h2"]
        let client = try await TestClient.connect(port: server.port, configuration: configuration)

        #expect(try await server.log.tlsError() == .noApplicationProtocol(offered: ["twp/1"]))
        let clientError = try await client.log.tlsError()
        guard case .peerAlert(let alert) = clientError else {
            Issue.record("expected a peer alert, got \(clientError)")
            return
        }
        #expect(alert.contains("no application protocol"))
        await server.stop()
    }

    @Test func handshakesAndErrorsAreCounted() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let counters = TestMetrics()
        let server = try await EchoServer.start(
            configuration: pki.serverConfiguration(),
            metrics: TLSMetrics(factory: counters)
        )
        let accepted = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(try await accepted.echo("counted") == "counted")
        let refused = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.expiredClient))
        _ = try await server.log.tlsError()

        let handshakes = "township_tls_handshakes_total"
        #expect(try counters.expectCounter(handshakes, [("side", "server"), ("result", "success")]).totalValue == 1)
        #expect(try counters.expectCounter(handshakes, [("side", "server"), ("result", "failure")]).totalValue == 1)
        #expect(
            try counters.expectCounter(
                "township_tls_errors_total",
                [("side", "server"), ("reason", "certificate_verification_failed")]
            ).totalValue == 1
        )
        try await accepted.channel.close()
        try await refused.waitUntilClosed()
        await server.stop()
    }
}
