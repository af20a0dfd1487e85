import Foundation

/// The pair of files a certificate is stored in: `<baseName>.crt` and `<baseName>.key`.
public struct CertificateFiles: Sendable, Hashable {
    public let certificateURL: URL
    public let privateKeyURL: URL

    public init(directory: URL, baseName: String) {
        self.certificateURL = directory.appendingPathComponent("\(baseName).crt")
        self.privateKeyURL = directory.appendingPathComponent("\(baseName).key")
    }

    public var certificatePath: String { certificateURL.path }
    public var privateKeyPath: String { privateKeyURL.path }

    /// Whether both files exist, so tooling can skip a set that was already written.
    public var exist: Bool {
        FileManager.default.fileExists(atPath: certificatePath)
            && FileManager.default.fileExists(atPath: privateKeyPath)
    }
}

public enum CertificateToolError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileExists(path: String)
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case invalidPrivateKey(String)
    case keyDoesNotMatchCertificate
    case invalidValidity(from: Date, until: Date)
    case notIssuedByCA(path: String)

    public var description: String {
        switch self {
        case .fileExists(let path): "refusing to overwrite existing file \(path)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidPrivateKey(let reason): "invalid P-256 private key PEM: \(reason)"
        case .keyDoesNotMatchCertificate: "the private key does not belong to the certificate"
        case .invalidValidity(let from, let until): "validity start \(from) is not before its end \(until)"
        case .notIssuedByCA(let path): "\(path) was not issued by this folder's CA (replace the set to reissue it)"
        }
    }
}

enum PEMFiles {
    /// Refuses to replace either file unless `overwrite`, checking both before writing
    /// either so a refused call leaves nothing half-written. The key is created 0600.
    static func write(
        certificatePEM: String,
        privateKeyPEM: String,
        to directory: URL,
        baseName: String,
        overwrite: Bool
    ) throws -> CertificateFiles {
        let files = CertificateFiles(directory: directory, baseName: baseName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CertificateToolError.cannotWrite(path: directory.path, reason: String(describing: error))
        }
        if !overwrite {
            for path in [files.certificatePath, files.privateKeyPath] where FileManager.default.fileExists(atPath: path) {
                throw CertificateToolError.fileExists(path: path)
            }
        }
        try writeAtomically(privateKeyPEM, to: files.privateKeyURL, permissions: 0o600)
        try writeAtomically(certificatePEM, to: files.certificateURL, permissions: 0o644)
        return files
    }

    static func read(_ url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CertificateToolError.cannotRead(path: url.path, reason: String(describing: error))
        }
    }

    /// Writes to a temporary sibling and renames, so a reader (a reloading server) never
    /// sees a half-written file.
    private static func writeAtomically(_ contents: String, to url: URL, permissions: Int) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            guard FileManager.default.createFile(
                atPath: temporary.path,
                contents: Data(contents.utf8),
                attributes: [.posixPermissions: permissions]
            ) else {
                throw CertificateToolError.cannotWrite(path: temporary.path, reason: "could not create file")
            }
            // rename(2) replaces an existing file atomically; Foundation's replaceItemAt does not
            // on Linux.
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw CertificateToolError.cannotWrite(path: url.path, reason: reason)
            }
        } catch let error as CertificateToolError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CertificateToolError.cannotWrite(path: url.path, reason: String(describing: error))
        }
    }
}
