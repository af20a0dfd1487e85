import Foundation
import NIOCore
import TownshipCertificates
import TownshipRPC
import TownshipTLS

/// Certificates for TLS tests in a temporary folder: a CA, the echo service, callers, and
/// the bad cases of the mutual-TLS matrix.
struct TestPKI: Sendable {
    static let echoIdentity = "spiffe://township.local/service/echo"
    static let gatewayIdentity = "spiffe://township.local/service/gateway"

    let directory: URL
    let ca: CertificateFiles
    let echo: CertificateFiles
    let gateway: CertificateFiles
    let admin: CertificateFiles
    let intakeImpostor: CertificateFiles
    let expiredGateway: CertificateFiles
    let foreignGateway: CertificateFiles

    static let shared: TestPKI = try! TestPKI.make()

    static func make() throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("township-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try DevelopmentCA.create()
        let foreign = try DevelopmentCA.create(commonName: "Somebody Else's CA")
        let now = Date()
        return TestPKI(
            directory: directory,
            ca: try ca.write(to: directory),
            echo: try ca.issue(identity: .service("echo")).write(to: directory),
            gateway: try ca.issue(identity: .service("gateway")).write(to: directory),
            admin: try ca.issue(identity: .admin("peer-test")).write(to: directory),
            intakeImpostor: try ca.issue(identity: .service("intake")).write(to: directory),
            expiredGateway: try ca.issue(identity: .service("gateway"), validFrom: now - 7200, validUntil: now - 3600)
                .write(to: directory, baseName: "expired-gateway"),
            foreignGateway: try foreign.issue(identity: .service("gateway")).write(to: directory, baseName: "foreign-gateway"))
    }

    func serverTransport(_ files: CertificateFiles? = nil, handshakeTimeout: TimeAmount = TLSConfiguration.defaultHandshakeTimeout) throws -> TLSServerTransport {
        let files = files ?? echo
        var configuration = TLSConfiguration.server(
            certificateChainPath: files.certificatePath, privateKeyPath: files.privateKeyPath, trustedCAPath: ca.certificatePath)
        configuration.handshakeTimeout = handshakeTimeout
        return TLSServerTransport(contexts: try ReloadableTLSContext(configuration: configuration))
    }

    /// `files` nil: a client that presents no certificate at all.
    func clientTransport(_ files: CertificateFiles?) throws -> TLSClientTransport {
        TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
            certificateChainPath: files?.certificatePath, privateKeyPath: files?.privateKeyPath,
            trustedCAPath: ca.certificatePath, expectedServerIdentity: Self.echoIdentity)))
    }
}
