import Foundation
import Testing
import TownshipCertificates
import TownshipTLS

/// Spec §1: an identity is the certificate's single URI SAN; a client always checks it.
@Suite struct PeerIdentityTests {
    @Test func serverRefusesAClientCertificateWithTwoURISANs() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let twoNames = try pki.issue(
            TestPKI.client, uriNames: [TestPKI.client.uri, "spiffe://township.local/admin/ops"], baseName: "two-uris")
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(twoNames))

        #expect(
            try await server.log.tlsError()
                == .ambiguousPeerIdentity(uris: [TestPKI.client.uri, "spiffe://township.local/admin/ops"]))
        // Refused in the handshake, with an alert.
        let clientError = try await client.log.tlsError()
        guard case .peerAlert = clientError else {
            Issue.record("expected a peer alert, got \(clientError)")
            return
        }
        try await client.waitUntilClosed()
        #expect(!server.log.sawHandshake)
        await server.stop()
    }

    @Test func clientRefusesAServerCertificateWithTwoURISANsEvenIfOneIsExpected() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        // The expected identity first: taking the first URI SAN would accept it.
        let twoNames = try pki.issue(
            TestPKI.server, uriNames: [TestPKI.server.uri, TestPKI.otherService.uri], baseName: "two-uris-server")
        let server = try await EchoServer.start(configuration: pki.serverConfiguration(twoNames))
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))

        #expect(
            try await client.log.tlsError() == .ambiguousPeerIdentity(uris: [TestPKI.server.uri, TestPKI.otherService.uri]))
        #expect(!client.log.sawHandshake)
        try await client.waitUntilClosed()
        await server.stop()
    }

    @Test func serverRefusesAClientCertificateWithoutURISAN() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let noName = try pki.issue(TestPKI.client, uriNames: [], baseName: "no-uri")
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(noName))

        #expect(try await server.log.tlsError() == .missingPeerIdentity)
        try await client.waitUntilClosed()
        #expect(!server.log.sawHandshake)
        await server.stop()
    }

    @Test func clientRefusesAServerWithTheWrongSingleIdentity() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let wrong = try pki.issue(TestPKI.server, uriNames: [TestPKI.otherService.uri], baseName: "wrong-uri")
        let server = try await EchoServer.start(configuration: pki.serverConfiguration(wrong))
        let client = try await TestClient.connect(port: server.port, configuration: pki.clientConfiguration(pki.client))
        #expect(
            try await client.log.tlsError()
                == .peerIdentityMismatch(expected: TestPKI.server.uri, actual: TestPKI.otherService.uri))
        try await client.waitUntilClosed()
        await server.stop()
    }

    /// `TLSConfiguration.client` takes a non-optional identity; a configuration built another
    /// way without one is refused when the context is made.
    @Test func aClientConfigurationWithoutAnExpectedIdentityIsRefused() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        var configuration = pki.clientConfiguration(pki.client)
        configuration.expectedServerIdentity = nil
        #expect {
            try TLSContext(configuration: configuration)
        } throws: { error in
            guard case .configurationFailed(let check, _) = error as? TLSError else { return false }
            return check.contains("expected server identity")
        }
    }
}
