import Foundation
import TownshipTLS

extension GatewaySettings {
    /// A file named in the settings, with the key that names it.
    public struct ReferencedFile: Sendable, Equatable {
        public var key: String
        public var path: String
    }

    /// The files `Gateway` will load at start: the client certificate, key and CA when a
    /// backend has endpoints (mutual TLS to it), the HTTPS certificate and key (and the CA they
    /// are served next to) when HTTPS is on. Files of features not configured are not needed.
    public var referencedFiles: [ReferencedFile] {
        var files: [ReferencedFile] = []
        if !backendEndpoints.isEmpty {
            files += [.init(key: "tls.certificate", path: certificatePath), .init(key: "tls.key", path: privateKeyPath)]
        }
        if let certificate = httpsCertificatePath, let key = httpsPrivateKeyPath {
            files += [.init(key: "https.certificate", path: certificate), .init(key: "https.key", path: key)]
        }
        if !files.isEmpty { files.append(.init(key: "tls.ca", path: caPath)) }
        return files
    }

    /// Fails naming the key when a referenced file is missing or unreadable, or when the TLS
    /// material does not load as the gateway loads it (not PEM, key not matching certificate).
    public func checkReferencedFiles() throws {
        for file in referencedFiles where !FileManager.default.isReadableFile(atPath: file.path) {
            let reason = FileManager.default.fileExists(atPath: file.path) ? "is not readable" : "does not exist"
            throw Invalid(description: "\(file.key): '\(file.path)' \(reason)")
        }
        if !backendEndpoints.isEmpty {
            do {
                _ = try ReloadableTLSContext(configuration: .client(
                    certificateChainPath: certificatePath, privateKeyPath: privateKeyPath, trustedCAPath: caPath,
                    expectedServerIdentity: BackendConnector.identity(of: "intake")))
            } catch {
                throw Invalid(description: "tls.certificate, tls.key, tls.ca: \(error)")
            }
        }
        if let certificate = httpsCertificatePath, let key = httpsPrivateKeyPath {
            do {
                _ = try ReloadableTLSContext(configuration: .browserFacingServer(
                    certificateChainPath: certificate, privateKeyPath: key, trustedCAPath: caPath))
            } catch {
                throw Invalid(description: "https.certificate, https.key: \(error)")
            }
        }
    }
}
