import Foundation
import X509

/// A leaf certificate and its private key, both PEM-encoded.
public struct IssuedCertificate: Sendable {
    public let identity: TownshipIdentity
    public let certificate: Certificate
    public let certificatePEM: String
    /// PKCS#8 PEM ("BEGIN PRIVATE KEY").
    public let privateKeyPEM: String

    /// Writes `<baseName>.crt` and `<baseName>.key` (mode 0600) into `directory`; the base
    /// name defaults to `<kind>-<name>`, e.g. `service-intake`.
    @discardableResult
    public func write(
        to directory: URL,
        baseName: String? = nil,
        overwrite: Bool = false
    ) throws -> CertificateFiles {
        try PEMFiles.write(
            certificatePEM: certificatePEM,
            privateKeyPEM: privateKeyPEM,
            to: directory,
            baseName: baseName ?? "\(identity.kind.rawValue)-\(identity.name)",
            overwrite: overwrite
        )
    }
}
