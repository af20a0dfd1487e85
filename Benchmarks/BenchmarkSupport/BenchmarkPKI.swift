import Foundation
import TownshipCertificates

/// A throwaway CA, server and client certificate in a temporary folder, made at startup so
/// every stack authenticates with the same ECDSA P-256 certificates.
struct BenchmarkPKI: Sendable {
    static let serverIdentity = "spiffe://township.local/service/echo"

    let directory: URL
    let ca: CertificateFiles
    let server: CertificateFiles
    let client: CertificateFiles

    static func make() throws -> BenchmarkPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rpcload-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try DevelopmentCA.create()
        return BenchmarkPKI(
            directory: directory,
            ca: try ca.write(to: directory),
            server: try ca.issue(identity: .service("echo")).write(to: directory),
            client: try ca.issue(identity: .service("gateway")).write(to: directory))
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
