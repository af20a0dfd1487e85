import BenchmarkSupport
import Foundation
import Glibc
import IntakeCore
import IntakePostgresStore
import Logging
import TownshipPostgresCluster

/// Issue 16's figure: acknowledged submissions/s at the same callers on SQLite, on PostgreSQL
/// with one intake replica and with two on one database, in one run. PostgreSQL is a
/// throwaway local cluster with its durable defaults (fsync on, synchronous_commit on), so
/// every acknowledged submission is on disk, as with SQLite's synchronous FULL.
struct EngineComparison {
    let pki: BenchmarkPKI
    let root: URL
    let callers: Int
    let connections: Int
    let warmUp: Duration
    let duration: Duration
    let logLevel: Logger.Level

    func run(emit: (String) -> Void) async throws {
        emit("")
        emit("— engines at \(callers) callers (issue 16): SQLite, PostgreSQL × 1 replica, PostgreSQL × 2 replicas on one database —")
        let keys = KeySequence()
        var results: [LoadResult] = []

        let sqliteState = root.appendingPathComponent("engine-sqlite")
        try FileManager.default.createDirectory(at: sqliteState, withIntermediateDirectories: true)
        let onSQLite = try await IntakeUnderLoad.startOnSQLite(pki: pki, stateDirectory: sqliteState, connections: connections, logLevel: logLevel)
        results.append(await measure("SQLite (WAL, FULL)", onSQLite, keys))
        await onSQLite.stop()

        let password = UUID().uuidString
        let cluster = LocalPostgresCluster(directory: root.appendingPathComponent("postgres"), port: try Self.freePort())
        try cluster.create(password: password)
        try cluster.start()
        defer { try? cluster.stop() }
        for replicas in [1, 2] {
            let database = "intake_\(replicas)"
            try cluster.createDatabase(database)
            let url = try PostgresDatabaseURL(parsing: cluster.url(database: database))
            var logger = Logger(label: "intake.store")
            logger.logLevel = logLevel
            // The first replica loads the reference data before the others open (each reads it once at open).
            let first = try await PostgresTicketStore.open(url: url, password: password, logger: logger)
            try await first.replaceReferenceData(DemoReferenceData.make(), by: Principal(userID: "bench-admin", role: .admin))
            var stores: [PostgresTicketStore] = [first]
            for _ in 1..<replicas { stores.append(try await PostgresTicketStore.open(url: url, password: password, logger: logger)) }
            let state = root.appendingPathComponent("engine-postgres-\(replicas)")
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            let onPostgres = try await IntakeUnderLoad.start(pki: pki, stores: stores, stateDirectory: state,
                                                             connections: max(connections, replicas), logLevel: logLevel)
            results.append(await measure("PostgreSQL × \(replicas)", onPostgres, keys))
            await onPostgres.stop()
            for store in stores { store.close() }
        }

        emit(ReportTable.header())
        for result in results { emit(ReportTable.row(result)) }
        let base = results[0].requestsPerSecond
        for result in results.dropFirst() {
            emit("\(result.stack) ÷ SQLite: \(ReportTable.format(result.requestsPerSecond / base, 2))")
        }
    }

    private func measure(_ name: String, _ intake: IntakeUnderLoad, _ keys: KeySequence) async -> LoadResult {
        await ClosedLoopLoad.run(
            stack: name, concurrency: callers, warmUp: warmUp, duration: duration,
            isRefusal: IntakeSubmitLoadCommand.isOverloadRefusal,
            call: { worker in try await intake.submit(worker: worker, key: "engine-\(keys.next())") })
    }

    /// A port the kernel has free on 127.0.0.1 now (PostgreSQL binds it a moment later).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw UnexpectedAnswer(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw UnexpectedAnswer(description: "could not find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
