import Foundation
import TownshipCertificates

/// A throwaway CA, server and client certificate in a temporary folder, made at startup so
/// every stack authenticates with the same ECDSA P-256 certificates.
public struct BenchmarkPKI: Sendable {
    public let directory: URL
    public let ca: CertificateFiles
    public let server: CertificateFiles
    public let client: CertificateFiles
    /// The SPIFFE identity in the server's certificate, which clients expect.
    public let serverIdentity: String

    /// `service` names the server's identity; the client is always the gateway (the caller
    /// every backend trusts).
    public static func make(service: String = "echo") throws -> BenchmarkPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try DevelopmentCA.create()
        let identity = try TownshipIdentity.service(service)
        return BenchmarkPKI(
            directory: directory,
            ca: try ca.write(to: directory),
            server: try ca.issue(identity: identity).write(to: directory),
            client: try ca.issue(identity: .service("gateway")).write(to: directory),
            serverIdentity: identity.uri)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
