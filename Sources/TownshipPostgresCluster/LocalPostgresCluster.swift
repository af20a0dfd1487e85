import Foundation

/// A PostgreSQL cluster in a local directory, for tests and `township up`: `initdb` once,
/// `pg_ctl start`/`stop`, databases created on demand. It listens on 127.0.0.1 at `port`
/// (password authentication, scram-sha-256) and on a unix socket inside its own directory
/// (trust: the directory is 0700, so only its owner reaches that socket; the cluster uses it
/// to create databases without a password).
///
/// `initdb` and `postgres` refuse to run as root, and sessions and CI do run as root: then
/// every program runs as the unprivileged `postgres` user (`runuser`), which owns the
/// directory.
public struct LocalPostgresCluster: Sendable {
    public let directory: URL
    public let port: Int
    public let superuser: String

    public init(directory: URL, port: Int, superuser: String = "township") {
        self.directory = directory
        self.port = port
        self.superuser = superuser
    }

    /// The directory holding `initdb` and `pg_ctl`: `TOWNSHIP_POSTGRES_BIN` when set, else the
    /// newest `/usr/lib/postgresql/<version>/bin` (Debian keeps them off PATH), else PATH.
    public static func binaries() throws -> URL {
        try PostgresBinaries.locate()
    }

    /// Whether the directory already holds an initialised cluster.
    public var exists: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("PG_VERSION").path)
    }

    /// `initdb`: UTF-8, scram-sha-256 for TCP, `password` for `superuser`. `--no-sync`: a
    /// machine crash in the second after initdb is not worth its seconds of fsync. Throws if the
    /// directory already holds a cluster (the password would silently stay the old one).
    public func create(password: String) throws {
        guard !exists else { throw LocalPostgresClusterError.alreadyExists(directory.path) }
        guard !password.isEmpty, !password.contains("\n") else {
            throw LocalPostgresClusterError.invalidArgument("the superuser password must be one non-empty line")
        }
        try Self.checkName(superuser, what: "superuser")
        let bin = try Self.binaries()
        let runner = try ClusterProcessRunner()
        try runner.prepareDataDirectory(directory)
        let passwordFile = try runner.privateFile(contents: password + "\n")
        defer { try? FileManager.default.removeItem(at: passwordFile) }
        try runner.run(bin.appendingPathComponent("initdb"), [
            "--pgdata=\(directory.path)", "--username=\(superuser)", "--pwfile=\(passwordFile.path)",
            "--encoding=UTF8", "--no-locale", "--no-sync", "--auth-host=scram-sha-256", "--auth-local=trust",
        ], what: "initdb")
    }

    /// `pg_ctl start -w`: listens on 127.0.0.1:`port` and on a socket in the directory.
    /// Returns at once when the cluster is already running.
    public func start(timeout: Duration = .seconds(30)) throws {
        guard exists else { throw LocalPostgresClusterError.notCreated(directory.path) }
        guard !directory.path.contains("'") else {
            throw LocalPostgresClusterError.invalidArgument("the cluster directory may not contain a quote: \(directory.path)")
        }
        let bin = try Self.binaries()
        let runner = try ClusterProcessRunner()
        if try isRunning(bin: bin, runner: runner) { return }
        let seconds = max(1, Int(timeout.components.seconds))
        // pg_ctl hands these to the server through a shell: the path is quoted.
        let options = "-c listen_addresses=127.0.0.1 -p \(port) -k '\(directory.path)'"
        do {
            try runner.run(bin.appendingPathComponent("pg_ctl"), [
                "start", "-w", "-t", String(seconds), "-D", directory.path, "-l", logFile.path, "-o", options,
            ], what: "pg_ctl start")
        } catch let LocalPostgresClusterError.commandFailed(what, status, output) {
            // The server's own reason (port taken, bad permissions) is in its log, not pg_ctl's output.
            throw LocalPostgresClusterError.commandFailed(what, status: status, output: output + "\n" + logTail())
        }
    }

    /// `pg_ctl stop -m fast`; nothing to do when the cluster is not running or not created.
    public func stop() throws {
        guard exists else { return }
        let bin = try Self.binaries()
        let runner = try ClusterProcessRunner()
        guard try isRunning(bin: bin, runner: runner) else { return }
        try runner.run(bin.appendingPathComponent("pg_ctl"), ["stop", "-w", "-m", "fast", "-D", directory.path], what: "pg_ctl stop")
    }

    /// Creates database `name` owned by the superuser unless it exists. Names are limited to
    /// letters, digits and `_` (they are spliced into `CREATE DATABASE`).
    public func createDatabase(_ name: String) throws {
        try Self.checkName(name, what: "database name")
        let bin = try Self.binaries()
        let runner = try ClusterProcessRunner()
        let psql = Self.psql(in: bin)
        let connection = ["-X", "-q", "-h", directory.path, "-p", String(port), "-U", superuser, "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
        let found = try runner.run(psql, connection + ["-tA", "-c", "SELECT 1 FROM pg_database WHERE datname = '\(name)'"], what: "psql")
        if found.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { return }
        try runner.run(psql, connection + ["-c", "CREATE DATABASE \"\(name)\" ENCODING 'UTF8' TEMPLATE template0"], what: "createdb \(name)")
    }

    /// `postgres://superuser@127.0.0.1:port/database`; the password is never part of it.
    public func url(database: String) -> String {
        "postgres://\(superuser)@127.0.0.1:\(port)/\(database)"
    }

    /// The server's log (`pg_ctl -l`), beside the data directory's own files.
    public var logFile: URL { directory.appendingPathComponent("server.log") }

    private func isRunning(bin: URL, runner: ClusterProcessRunner) throws -> Bool {
        // pg_ctl status: 0 running, 3 not running, 4 no accessible data directory.
        let status = try runner.status(bin.appendingPathComponent("pg_ctl"), ["status", "-D", directory.path])
        return status == 0
    }

    private func logTail() -> String {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return "(no server log at \(logFile.path))" }
        return "server log (\(logFile.path)), last lines:\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    private static func psql(in bin: URL) -> URL {
        let beside = bin.appendingPathComponent("psql")
        return FileManager.default.isExecutableFile(atPath: beside.path) ? beside : URL(fileURLWithPath: "/usr/bin/psql")
    }

    static func checkName(_ name: String, what: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        guard !name.isEmpty, name.count <= 63, allowed, !("0"..."9").contains(name.unicodeScalars.first!) else {
            throw LocalPostgresClusterError.invalidArgument("\(what) '\(name)': use 1-63 ASCII letters, digits and _, not starting with a digit")
        }
    }
}

public enum LocalPostgresClusterError: Error, CustomStringConvertible, Equatable {
    case binariesNotFound(searched: [String])
    case alreadyExists(String)
    case notCreated(String)
    case invalidArgument(String)
    case unprivilegedUserMissing(String)
    case directoryNotReachable(String)
    case commandFailed(String, status: Int32, output: String)

    public var description: String {
        switch self {
        case let .binariesNotFound(searched):
            return "PostgreSQL server binaries (initdb, pg_ctl) not found in \(searched.joined(separator: ", ")); "
                + "install them with `apt-get install postgresql` (scripts/install-dependencies does) or set TOWNSHIP_POSTGRES_BIN to the directory holding them"
        case let .alreadyExists(path): return "\(path) already holds a PostgreSQL cluster"
        case let .notCreated(path): return "\(path) holds no PostgreSQL cluster: create it first"
        case let .invalidArgument(reason): return reason
        case let .unprivilegedUserMissing(user):
            return "running as root, and PostgreSQL refuses root: the unprivileged user '\(user)' does not exist (apt-get install postgresql creates it)"
        case let .directoryNotReachable(reason): return reason
        case let .commandFailed(what, status, output): return "\(what) failed (exit \(status)):\n\(output)"
        }
    }
}
