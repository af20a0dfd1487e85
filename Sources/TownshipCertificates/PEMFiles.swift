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
    case privateKeyTooOpen(PrivateKeyPermissionError)
    case burntCertificateAuthority(BurntCertificateAuthorityError)

    public var description: String {
        switch self {
        case .fileExists(let path): "refusing to overwrite existing file \(path)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidPrivateKey(let reason): "invalid P-256 private key PEM: \(reason)"
        case .keyDoesNotMatchCertificate: "the private key does not belong to the certificate"
        case .invalidValidity(let from, let until): "validity start \(from) is not before its end \(until)"
        case .notIssuedByCA(let path): "\(path) was not issued by this folder's CA (replace the set to reissue it)"
        case .privateKeyTooOpen(let error): error.description
        case .burntCertificateAuthority(let error): error.description
        }
    }
}

enum PEMFiles {
    /// Refuses to replace either file unless `overwrite`, checking both before writing
    /// either so a refused call leaves nothing half-written. The key is created 0600 (never
    /// more open, not even for a moment); a directory this creates is 0700.
    static func write(
        certificatePEM: String,
        privateKeyPEM: String,
        to directory: URL,
        baseName: String,
        overwrite: Bool
    ) throws -> CertificateFiles {
        let files = CertificateFiles(directory: directory, baseName: baseName)
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
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

    /// Reads a private key file, refusing one that group or others can read or write.
    static func readPrivateKey(_ url: URL) throws -> String {
        do {
            try PrivateKeyFile.checkPermissions(atPath: url.path)
        } catch {
            throw CertificateToolError.privateKeyTooOpen(error)
        }
        return try read(url)
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
            try createExclusively(temporary.path, contents: Data(contents.utf8), permissions: permissions)
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

    /// Creates `path` with exactly `permissions` (O_EXCL, then fchmod so the umask cannot
    /// widen or narrow it) and writes `contents`: the file is never more open than asked.
    private static func createExclusively(_ path: String, contents: Data, permissions: Int) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions))
        guard descriptor >= 0 else {
            throw CertificateToolError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode_t(permissions)) == 0 else {
            throw CertificateToolError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        do {
            try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: contents)
        } catch {
            throw CertificateToolError.cannotWrite(path: path, reason: String(describing: error))
        }
        guard fsync(descriptor) == 0 else {
            throw CertificateToolError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
