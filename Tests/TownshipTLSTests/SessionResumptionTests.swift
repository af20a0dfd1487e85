import Foundation
import NIOCore
import Synchronization
import Testing
import TownshipCertificates
@testable import TownshipTLS

/// Resumption must not keep a certificate working past its validity, and ticket keys rotate.
@Suite struct SessionResumptionTests {
    /// The client's certificate expires between its first connection and its resumption: the
    /// ticket is not honoured, and the full handshake refuses the expired certificate.
    @Test func aSessionWhoseClientCertificateExpiredIsNotResumed() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        // Certificate times have whole seconds: expires 2 to 3 seconds from now.
        let expiry = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3).rounded(.down))
        let shortLived = try pki.ca.issue(identity: TestPKI.client, validUntil: expiry)
            .write(to: pki.directory, baseName: "short-lived")
        let server = try await EchoServer.start(configuration: pki.serverConfiguration())
        let clientContext = try TLSContext(configuration: pki.clientConfiguration(shortLived))

        let first = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await first.log.handshake().resumed == false)
        #expect(try await first.echo("valid") == "valid")  // the tickets precede the echo
        try await first.channel.close()

        // Resumption works while the certificate is valid.
        let second = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await second.log.handshake().resumed == true)
        #expect(try await second.echo("resumed") == "resumed")
        try await second.channel.close()

        // Await the clock: the certificate's end of validity.
        let wait = expiry.timeIntervalSinceNow + 1.1
        try await Task.sleep(for: .milliseconds(Int(max(0, wait) * 1000)))

        let third = try await TestClient.connect(port: server.port, context: clientContext)
        let clientError = try await third.log.tlsError()
        guard case .peerAlert(let alert) = clientError else {
            Issue.record("expected a peer alert, got \(clientError)")
            return
        }
        #expect(alert.contains("certificate expired"))
        try await third.waitUntilClosed()
        #expect(try await server.log.tlsError() == .certificateVerificationFailed(reason: "certificate has expired"))
        let serverHandshakes = server.log.events.filter { if case .handshake = $0 { true } else { false } }
        #expect(serverHandshakes.count == 2)
        await server.stop()
    }

    /// The client side: a session whose server certificate has expired is not offered, so the
    /// full handshake finds the expired certificate and the client refuses it.
    @Test func aClientDoesNotResumeWithAServerWhoseCertificateExpired() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let expiry = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3).rounded(.down))
        let shortLived = try pki.ca.issue(identity: TestPKI.server, validUntil: expiry)
            .write(to: pki.directory, baseName: "short-lived-server")
        let server = try await EchoServer.start(configuration: pki.serverConfiguration(shortLived))
        let clientContext = try TLSContext(configuration: pki.clientConfiguration(pki.client))

        let first = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await first.echo("valid") == "valid")
        try await first.channel.close()

        try await Task.sleep(for: .milliseconds(Int(max(0, expiry.timeIntervalSinceNow + 1.1) * 1000)))
        let late = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await late.log.tlsError() == .certificateVerificationFailed(reason: "certificate has expired"))
        #expect(!late.log.sawHandshake)
        try await late.waitUntilClosed()
        await server.stop()
    }

    /// A session older than the server's session lifetime is not resumed (OpenSSL's default
    /// would honour it for two hours).
    @Test func aSessionOlderThanTheLifetimeIsNotResumed() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        var configuration = pki.serverConfiguration()
        configuration.sessionLifetime = .seconds(1)
        let server = try await EchoServer.start(configuration: configuration)
        let clientContext = try TLSContext(configuration: pki.clientConfiguration(pki.client))

        let first = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await first.echo("first") == "first")
        try await first.channel.close()
        let fresh = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await fresh.log.handshake().resumed == true)
        try await fresh.channel.close()

        // Await the clock past the lifetime (session times have whole seconds).
        try await Task.sleep(for: .milliseconds(2_200))
        let late = try await TestClient.connect(port: server.port, context: clientContext)
        #expect(try await late.log.handshake().resumed == false)
        #expect(try await late.echo("full handshake") == "full handshake")
        try await late.channel.close()
        await server.stop()
    }

    @Test func ticketKeysRotateAndThePreviousKeyDecryptsForOnePeriod() {
        let clock = ManualClock()
        let ring = SessionTicketKeyRing(rotation: .seconds(60), now: { clock.now })
        let first = ring.encryptionKey()
        #expect(ring.decryptionKey(named: first.name)?.isCurrent == true)

        clock.advance(by: .seconds(59))
        #expect(ring.encryptionKey() == first)

        clock.advance(by: .seconds(1))
        let second = ring.encryptionKey()
        #expect(second != first)
        // The previous key still decrypts, and asks for the ticket to be renewed.
        #expect(ring.decryptionKey(named: first.name)?.isCurrent == false)
        #expect(ring.decryptionKey(named: second.name)?.isCurrent == true)

        clock.advance(by: .seconds(60))
        let third = ring.encryptionKey()
        #expect(ring.decryptionKey(named: first.name) == nil)
        #expect(ring.decryptionKey(named: second.name)?.isCurrent == false)

        // Idle for more than two periods: nothing old decrypts.
        clock.advance(by: .seconds(150))
        #expect(ring.decryptionKey(named: third.name) == nil)
        #expect(ring.decryptionKey(named: ring.encryptionKey().name)?.isCurrent == true)
    }
}

final class ManualClock: Sendable {
    private let instant = Mutex(NIODeadline.uptimeNanoseconds(1_000_000_000))

    var now: NIODeadline { instant.withLock { $0 } }

    func advance(by amount: TimeAmount) {
        instant.withLock { $0 = $0 + amount }
    }
}
