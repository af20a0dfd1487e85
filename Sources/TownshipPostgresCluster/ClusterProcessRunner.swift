import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the PostgreSQL programs: directly when we are not root, else as the unprivileged
/// `postgres` user through `runuser` (or `setpriv`), since `initdb` and `postgres` refuse root.
struct ClusterProcessRunner {
    static let unprivilegedUser = "postgres"

    /// Set when we are root: the user the programs run as.
    let account: (name: String, uid: uid_t, gid: gid_t)?

    init() throws {
        guard getuid() == 0 else {
            account = nil
            return
        }
        guard let entry = getpwnam(Self.unprivilegedUser) else {
            throw LocalPostgresClusterError.unprivilegedUserMissing(Self.unprivilegedUser)
        }
        account = (Self.unprivilegedUser, entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// Creates the (empty) data directory, 0700, owned by the user the server runs as, and
    /// checks that user can reach it through every parent directory.
    func prepareDataDirectory(_ directory: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        guard let account else { return }
        guard chown(directory.path, account.uid, account.gid) == 0 else {
            throw LocalPostgresClusterError.directoryNotReachable("cannot give \(directory.path) to user \(account.name): errno \(errno)")
        }
        let probe = try status(URL(fileURLWithPath: "/usr/bin/test"), ["-w", directory.path])
        guard probe == 0 else {
            throw LocalPostgresClusterError.directoryNotReachable(
                "user \(account.name) cannot reach \(directory.path): a parent directory is closed to it (choose a directory under /tmp or /var/lib)")
        }
    }

    /// A 0600 file only the server's user reads (initdb's --pwfile); the caller removes it.
    func privateFile(contents: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("township-pg-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LocalPostgresClusterError.directoryNotReachable("cannot write \(url.path)")
        }
        if let account { _ = chown(url.path, account.uid, account.gid) }
        return url
    }

    /// Runs the program; its output when it exits 0, else `commandFailed` with the output.
    @discardableResult
    func run(_ program: URL, _ arguments: [String], what: String) throws -> String {
        let (status, output) = try execute(program, arguments)
        guard status == 0 else { throw LocalPostgresClusterError.commandFailed(what, status: status, output: output) }
        return output
    }

    /// Runs the program; its exit status, whatever it is.
    func status(_ program: URL, _ arguments: [String]) throws -> Int32 {
        try execute(program, arguments).status
    }

    private func execute(_ program: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        var command: [String]
        if let account {
            if let runuser = Self.firstExecutable(["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]) {
                command = [runuser, "-u", account.name, "--", program.path]
            } else {
                command = ["/usr/bin/setpriv", "--reuid=\(account.uid)", "--regid=\(account.gid)", "--init-groups", "--", program.path]
            }
        } else {
            command = [program.path]
        }
        command += arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "PGPASSWORD")
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("township-pg-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let status = try ChildProcess.run(command, environment: environment, outputPath: outputURL.path)
        let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        return (status, text)
    }

    private static func firstExecutable(_ paths: [String]) -> String? {
        paths.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
