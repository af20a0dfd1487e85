import Foundation
import Testing
import TownshipCertificates
import TownshipTLS

/// A refused handshake ends with the alert OpenSSL chose, not a bare TCP close, as clients we
/// did not write see it: Python's `ssl` (the SSLError reason) and `openssl s_client`.
///
/// The servers close the channel from `errorCaught`, as the RPC runtime does: before the fix,
/// that close overtook the alert and the client saw "EOF in violation of protocol".
@Suite struct RefusedHandshakeTests {
    enum Credential: Sendable {
        case client, expired, fromOtherCA

        func files(in pki: TestPKI) -> CertificateFiles {
            switch self {
            case .client: pki.client
            case .expired: pki.expiredClient
            case .fromOtherCA: pki.clientFromOtherCA
            }
        }
    }

    struct PythonCase: Sendable, CustomStringConvertible {
        let description: String
        let certificate: Credential?
        let alpn: [String]?
        let tls12: Bool
        let expected: String
    }

    static let pythonCases: [PythonCase] = [
        // TLS 1.3: the client's handshake completes; the alert arrives on its first read.
        PythonCase(description: "no client certificate", certificate: nil, alpn: ["twp/1"], tls12: false,
                   expected: "read-error:TLSV13_ALERT_CERTIFICATE_REQUIRED"),
        PythonCase(description: "wrong ALPN", certificate: .client, alpn: ["h2"], tls12: false,
                   expected: "handshake-error:None|tlsv1 alert no application protocol"),
        PythonCase(description: "no ALPN at all", certificate: .client, alpn: nil, tls12: false,
                   expected: "handshake-error:None|tlsv1 alert no application protocol"),
        PythonCase(description: "TLS 1.2 offered", certificate: .client, alpn: ["twp/1"], tls12: true,
                   expected: "handshake-error:TLSV1_ALERT_PROTOCOL_VERSION"),
        PythonCase(description: "expired certificate", certificate: .expired, alpn: ["twp/1"], tls12: false,
                   expected: "read-error:SSLV3_ALERT_CERTIFICATE_EXPIRED"),
        PythonCase(description: "unknown CA", certificate: .fromOtherCA, alpn: ["twp/1"], tls12: false,
                   expected: "read-error:TLSV1_ALERT_UNKNOWN_CA"),
    ]

    @Test(arguments: pythonCases)
    func pythonClientReadsTheAlert(_ refusal: PythonCase) async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration(), closeOnError: true)
        let outcome = try PythonTLSClient.run(
            port: server.port, pki: pki, certificate: refusal.certificate?.files(in: pki),
            alpn: refusal.alpn, tls12: refusal.tls12)
        // `expected`: the SSLError reason, optionally followed by `|` and part of its message.
        let parts = refusal.expected.split(separator: "|", maxSplits: 1).map(String.init)
        #expect(outcome.hasPrefix(parts[0] + "|"), "python saw: \(outcome)")
        #expect(parts.count == 1 || outcome.contains(parts[1]), "python saw: \(outcome)")
        _ = try await server.log.tlsError()
        #expect(!server.log.sawHandshake)
        await server.stop()
    }

    struct OpenSSLCase: Sendable, CustomStringConvertible {
        let description: String
        let arguments: [String]
        let withCertificate: Bool
        let expected: String
    }

    static let openSSLCases: [OpenSSLCase] = [
        OpenSSLCase(description: "wrong ALPN", arguments: ["-alpn", "h2"], withCertificate: true,
                    expected: "no application protocol"),
        OpenSSLCase(description: "no ALPN at all", arguments: [], withCertificate: true,
                    expected: "no application protocol"),
        OpenSSLCase(description: "TLS 1.2 offered", arguments: ["-alpn", "twp/1", "-tls1_2"], withCertificate: true,
                    expected: "protocol version"),
        // -ign_eof: keep reading after the handshake, where TLS 1.3 delivers this refusal.
        OpenSSLCase(description: "no client certificate", arguments: ["-alpn", "twp/1", "-ign_eof"], withCertificate: false,
                    expected: "certificate required"),
    ]

    @Test(arguments: openSSLCases)
    func openSSLClientNamesTheAlert(_ refusal: OpenSSLCase) async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try await EchoServer.start(configuration: pki.serverConfiguration(), closeOnError: true)
        var arguments = ["s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", pki.caPath] + refusal.arguments
        if refusal.withCertificate {
            arguments += ["-cert", pki.client.certificatePath, "-key", pki.client.privateKeyPath]
        }
        let output = try runTool("/usr/bin/openssl", arguments)
        #expect(output.contains(refusal.expected), "openssl s_client said:\n\(output)")
        await server.stop()
    }
}
