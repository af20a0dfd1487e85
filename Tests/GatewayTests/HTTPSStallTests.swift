import Foundation
import NIOCore
import Testing
import TownshipTLS

@testable import GatewayCore

extension GatewaySuites {
    /// The HTTPS listener (our OpenSSL handler) against peers that stall at each step: each
    /// is closed by its timeout, and a normal HTTPS client is served during and after.
    @Suite struct HTTPSStallTests {
        static let handshakeTimeout = Duration.milliseconds(300)
        static let idleTimeout = Duration.milliseconds(1000)

        func startHTTPS() async throws -> GatewayHarness {
            let pki = GatewayTestPKI.shared
            return try await GatewayHarness.start(tweak: { settings in
                settings.httpsCertificatePath = pki.gateway.certificatePath
                settings.httpsPrivateKeyPath = pki.gateway.privateKeyPath
                settings.connectionLimits.handshakeTimeout = Self.handshakeTimeout
                settings.connectionLimits.idleTimeout = Self.idleTimeout
                settings.connectionLimits.headerTimeout = .seconds(30)
            })
        }

        func expectCurlIsServed(_ harness: GatewayHarness, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let (status, output) = try curl([
                "--silent", "--show-error", "--max-time", "5", "--tlsv1.3", "--cacert", GatewayTestPKI.shared.ca.certificatePath,
                "https://127.0.0.1:\(harness.client.port)/healthz",
            ])
            #expect(status == 0 && output.hasPrefix(#"{"status":"ok"}"#), "curl: \(output)", sourceLocation: sourceLocation)
        }

        @Test func aPeerThatSendsNothingIsClosedByTheHandshakeTimeout() async throws {
            let harness = try await startHTTPS()
            try await RawConnection.with(port: harness.client.port) { connection in
                try expectCurlIsServed(harness)
                let closed = await connection.closedWithin(.seconds(3))
                #expect(closed != nil, "a silent TLS peer stayed open")
                #expect((closed ?? .zero) >= .milliseconds(200))
            }
            try expectCurlIsServed(harness)
            await harness.stop()
        }

        @Test func aPeerThatSendsOnlyAClientHelloIsClosedByTheHandshakeTimeout() async throws {
            let harness = try await startHTTPS()
            try await RawConnection.with(port: harness.client.port) { connection in
                try await connection.outbound.write(ByteBuffer(bytes: ClientHello.tls13()))
                // The server answered the hello (a handshake record), then waits for our Finished.
                #expect(await connection.read(timeout: .seconds(3)) { !$0.isEmpty })
                #expect(connection.received.utf8.first == 0x16, "not a handshake record: \(Array(connection.received.utf8.prefix(8)))")
                try expectCurlIsServed(harness)
                let closed = await connection.closedWithin(.seconds(3))
                #expect(closed != nil, "a peer stuck after its ClientHello stayed open")
            }
            try expectCurlIsServed(harness)
            await harness.stop()
        }

        @Test func aPeerThatCompletesTLSButSendsNoRequestIsClosedByTheIdleTimeout() async throws {
            let harness = try await startHTTPS()
            let pki = GatewayTestPKI.shared
            var client = TLSConfiguration.client(
                certificateChainPath: nil, privateKeyPath: nil, trustedCAPath: pki.ca.certificatePath,
                expectedServerIdentity: GatewayHarness.gatewayIdentity)
            client.applicationProtocols = ["http/1.1"]
            let tls = try ReloadableTLSContext(configuration: client)
            try await RawConnection.with(port: harness.client.port, tls: tls) { connection in
                let start = ContinuousClock.now
                try expectCurlIsServed(harness)
                let closed = await connection.closedWithin(.seconds(4))
                let after = ContinuousClock.now - start
                #expect(closed != nil, "a peer silent after the handshake stayed open")
                // Past the handshake timeout: it was the idle timeout that closed it.
                #expect(after >= Self.idleTimeout - .milliseconds(200), "closed after \(after)")
            }
            // And one that sends a request over it is answered.
            try await RawConnection.with(port: harness.client.port, tls: tls) { connection in
                try await connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                #expect(await connection.read(timeout: .seconds(3)) { $0.contains(#"{"status":"ok"}"#) })
            }
            try expectCurlIsServed(harness)
            await harness.stop()
        }
    }
}

/// A TLS 1.3 ClientHello (TLS_AES_128_GCM_SHA256, X25519, ALPN http/1.1) built by hand, so
/// a test can send it and nothing after.
enum ClientHello {
    static func tls13() -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
        func u24(_ value: Int) -> [UInt8] { [UInt8(value >> 16), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)] }
        func ext(_ type: Int, _ data: [UInt8]) -> [UInt8] { u16(type) + u16(data.count) + data }
        let alpn = Array("http/1.1".utf8)
        let keyShare = [0x09] + [UInt8](repeating: 0, count: 31)  // the X25519 base point: a valid public key
        let extensions =
            ext(0x002b, [2, 0x03, 0x04])  // supported_versions: TLS 1.3
            + ext(0x000a, u16(2) + u16(0x001d))  // supported_groups: x25519
            + ext(0x000d, u16(4) + u16(0x0403) + u16(0x0804))  // signature_algorithms
            + ext(0x0033, u16(36) + u16(0x001d) + u16(32) + keyShare)  // key_share
            + ext(0x0010, u16(alpn.count + 1) + [UInt8(alpn.count)] + alpn)  // ALPN
        let body: [UInt8] =
            u16(0x0303) + [UInt8](repeating: 0x42, count: 32)  // legacy_version, random
            + [0]  // legacy_session_id
            + u16(2) + u16(0x1301)  // cipher_suites
            + [1, 0]  // legacy_compression_methods
            + u16(extensions.count) + extensions
        let handshake = [1] + u24(body.count) + body
        return [0x16, 0x03, 0x01] + u16(handshake.count) + handshake
    }
}
