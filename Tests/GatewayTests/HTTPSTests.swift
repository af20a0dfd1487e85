import Foundation
import Testing

@testable import GatewayCore

/// The gateway serving HTTPS through the project's own OpenSSL handler, checked with curl —
/// an independent TLS 1.3 client that verifies the chain against the suite's CA.
extension GatewaySuites {
    @Suite struct HTTPSTests {
        @Test func curlReachesTheGatewayOverTLS13WithoutAClientCertificate() async throws {
            let pki = GatewayTestPKI.shared
            let harness = try await GatewayHarness.start(tweak: { settings in
                settings.httpsCertificatePath = pki.gateway.certificatePath
                settings.httpsPrivateKeyPath = pki.gateway.privateKeyPath
            })
            let url = "https://127.0.0.1:\(harness.client.port)/healthz"
            let (status, output) = try curl(["--silent", "--show-error", "--tlsv1.3", "--cacert", pki.ca.certificatePath,
                                             "--write-out", "\n%{http_version} %{ssl_verify_result}", url])
            #expect(status == 0, "curl failed: \(output)")
            #expect(output.hasPrefix(#"{"status":"ok"}"#))
            #expect(output.hasSuffix("1.1 0"), "HTTP/1.1 with a verified chain: \(output)")
            // Plain HTTP to the HTTPS port is not served.
            let (plainStatus, _) = try curl(["--silent", "--max-time", "3", "http://127.0.0.1:\(harness.client.port)/healthz"])
            #expect(plainStatus != 0)
            await harness.stop()
        }
    }
}
