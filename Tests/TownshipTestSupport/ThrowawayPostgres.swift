import Foundation
import Synchronization
import TownshipPostgresCluster

/// A PostgreSQL cluster for tests: created in a temporary directory on a free port, a fresh
/// database per test, stopped and removed at the end. `shared` is one cluster per test
/// process (initdb costs a second or two), torn down when the process exits; tests that need
/// a cluster of their own create one and call `remove()`.
///
/// Without PostgreSQL binaries this throws `LocalPostgresClusterError.binariesNotFound`, whose
/// message names the fix: the PostgreSQL cases of a test must fail, not skip, or a CI machine
/// missing `scripts/install-dependencies` would look green.
public final class ThrowawayPostgres: Sendable {
    public let cluster: LocalPostgresCluster
    /// The superuser's password (the cluster's URLs carry none).
    public let password: String
    private let root: URL
    private let databases = Atomic<Int>(0)

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("township-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // The server runs as `postgres` when we are root: it must pass through this directory.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        password = UUID().uuidString
        cluster = LocalPostgresCluster(directory: root.appendingPathComponent("data"), port: FreePort.pick())
        do {
            try cluster.create(password: password)
            try Self.tuneForTests(cluster.directory)
            try cluster.start()
        } catch {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
    }

    /// Many stores at once (each test opens its own pool), and no fsync: a crash loses only
    /// a throwaway cluster.
    private static func tuneForTests(_ directory: URL) throws {
        let file = try FileHandle(forWritingTo: directory.appendingPathComponent("postgresql.conf"))
        defer { try? file.close() }
        try file.seekToEnd()
        try file.write(contentsOf: Data("\n# ThrowawayPostgres\nmax_connections = 400\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n".utf8))
    }

    /// A new, empty database; its URL (no password in it).
    public func freshDatabase() throws -> String {
        let name = "t\(ProcessInfo.processInfo.processIdentifier)_\(databases.add(1, ordering: .relaxed).newValue)"
        try cluster.createDatabase(name)
        return cluster.url(database: name)
    }

    /// Stops the server and removes its directory.
    public func remove() {
        try? cluster.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// The test process's cluster, created on first use and removed at exit. A failure to
    /// create it is remembered and thrown to every caller.
    public static func shared() throws -> ThrowawayPostgres {
        try sharedCluster.get()
    }

    private static let sharedCluster: Result<ThrowawayPostgres, any Error> = {
        let result = Result { try ThrowawayPostgres() }
        if case .success = result { atexit { if case let .success(cluster) = ThrowawayPostgres.sharedCluster { cluster.remove() } } }
        return result
    }()
}
