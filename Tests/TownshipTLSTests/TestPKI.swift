import Foundation
import NIOCore
import TownshipCertificates
import TownshipTLS

/// Certificates for one test, written into a fresh temporary directory.
struct TestPKI {
    static let server = try! TownshipIdentity.service("intake")
    static let client = try! TownshipIdentity.service("gateway")
    static let otherService = try! TownshipIdentity.service("job-fair")

    let directory: URL
    let ca: DevelopmentCA
    let caPath: String
    let server: CertificateFiles
    let client: CertificateFiles
    let clientFromOtherCA: CertificateFiles
    let expiredClient: CertificateFiles
    let serverWithOtherIdentity: CertificateFiles

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("township-tls-tests-\(UUID().uuidString)")
        ca = try DevelopmentCA.create(commonName: "Township Test CA")
        caPath = try ca.write(to: directory).certificatePath
        server = try ca.issue(identity: Self.server).write(to: directory)
        client = try ca.issue(identity: Self.client).write(to: directory)
        serverWithOtherIdentity = try ca.issue(identity: Self.otherService).write(to: directory)
        let otherCA = try DevelopmentCA.create(commonName: "Somebody Else's CA")
        clientFromOtherCA = try otherCA.issue(identity: Self.client).write(to: directory, baseName: "other-ca-gateway")
        let now = Date()
        expiredClient = try ca.issue(
            identity: Self.client,
            validFrom: now.addingTimeInterval(-2 * 86400),
            validUntil: now.addingTimeInterval(-86400)
        ).write(to: directory, baseName: "expired-gateway")
    }

    /// A certificate for `identity` whose URI SANs are `uriNames` (none, several, ...).
    func issue(_ identity: TownshipIdentity, uriNames: [String], baseName: String) throws -> CertificateFiles {
        try ca.issue(identity: identity, uriNames: uriNames).write(to: directory, baseName: baseName)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    func serverConfiguration(
        _ files: CertificateFiles? = nil,
        handshakeTimeout: TimeAmount = .seconds(10),
        closeTimeout: TimeAmount = TLSConfiguration.defaultCloseTimeout
    ) -> TLSConfiguration {
        let files = files ?? server
        var configuration = TLSConfiguration.server(
            certificateChainPath: files.certificatePath,
            privateKeyPath: files.privateKeyPath,
            trustedCAPath: caPath
        )
        configuration.handshakeTimeout = handshakeTimeout
        configuration.closeTimeout = closeTimeout
        return configuration
    }

    func clientConfiguration(
        _ files: CertificateFiles?,
        expecting identity: TownshipIdentity = TestPKI.server
    ) -> TLSConfiguration {
        TLSConfiguration.client(
            certificateChainPath: files?.certificatePath,
            privateKeyPath: files?.privateKeyPath,
            trustedCAPath: caPath,
            expectedServerIdentity: identity.uri
        )
    }
}
