import Foundation
import Testing
@testable import IntakeCore
import IntakePostgresStore
import TownshipPostgresCluster
import TownshipTestSupport

/// SQLite against PostgreSQL, in process: `INTAKE_STORE_BENCH_TICKETS=20000 swift test --filter
/// StoreComparisonBenchmark`. Prints acknowledged submissions per second at 32 concurrent
/// callers (each with a client request id, as SubmitTicket does) and the time of the same
/// Chinese searches over the demo data on both stores. PostgreSQL runs on a cluster of its own
/// with the server's default durability (fsync on, synchronous_commit on), as SQLite runs with
/// synchronous FULL. No assertion on the figures: they move with the machine's load.
@Suite struct StoreComparisonBenchmark {
    static let ticketCount = Int(ProcessInfo.processInfo.environment["INTAKE_STORE_BENCH_TICKETS"] ?? "") ?? 0
    static let callers = 32
    static let submissionsPerCaller = 40

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    @Test(.enabled(if: ticketCount > 0, "set INTAKE_STORE_BENCH_TICKETS to run"))
    func submissionsAndSearchOnBothStores() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("intake-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        let cluster = LocalPostgresCluster(directory: root.appendingPathComponent("data"), port: FreePort.pick())
        let password = UUID().uuidString
        try cluster.create(password: password)
        try cluster.start()
        defer { try? cluster.stop(); try? FileManager.default.removeItem(at: root) }
        try cluster.createDatabase("bench")
        let configuration = IntakeConfiguration(townshipCode: "demo")
        let sqliteDir = try TempDirectory()
        let sqlite = try SQLiteTicketStore(path: sqliteDir.databasePath, configuration: configuration, clock: ManualClock(DemoDataLoader.referenceNow))
        let postgres = try await PostgresTicketStore.open(url: try PostgresDatabaseURL(parsing: cluster.url(database: "bench")), password: password,
                                                          maxConnections: 40, configuration: configuration, clock: ManualClock(DemoDataLoader.referenceNow))
        defer { postgres.close() }
        let stores: [(String, any IntakeStore)] = [("sqlite", sqlite), ("postgres", postgres)]

        for (name, store) in stores {
            let start = ContinuousClock.now
            let report = try await DemoDataLoader.load(into: store, ticketCount: Self.ticketCount, batchSize: 2_000)
            print("bench \(name): loaded \(report.tickets) tickets, \(report.ledgerEvents) events in \(String(format: "%.1f", Self.seconds(ContinuousClock.now - start))) s")
        }
        let admin = Principal(userID: "bench", role: .admin)
        for (name, store) in stores {
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<Self.callers {
                    group.addTask {
                        for i in 0..<Self.submissionsPerCaller {
                            let report = NewTicket(channel: .hotline12345, reporter: Reporter(name: "张三", phone: "13812345678"), villageID: "V07",
                                                   description: "路灯不亮 \(caller)-\(i)", priority: .normal)
                            _ = try await store.submit(report, by: admin, clientRequestID: "bench-\(caller)-\(i)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = Self.seconds(ContinuousClock.now - start)
            let total = Self.callers * Self.submissionsPerCaller
            print("bench \(name): \(total) acknowledged submissions at \(Self.callers) concurrent callers in \(String(format: "%.2f", elapsed)) s = \(Int(Double(total) / elapsed)) /s")
        }
        let searches = ["临时用电", "养老", "违建", "路灯", "老人", "垃圾", "养老金 银行"]
        for (name, store) in stores {
            var line = "bench \(name): search at \(Self.ticketCount) tickets (first page of 50, median of 5):"
            for text in searches {
                var times: [Double] = []
                var count = 0
                for _ in 0..<5 {
                    let start = ContinuousClock.now
                    count = try await store.list(TicketFilter(text: text), page: PageRequest(limit: 50), for: admin).items.count
                    times.append(Self.seconds(ContinuousClock.now - start) * 1000)
                }
                line += " \(text)=\(String(format: "%.1f", times.sorted()[2])) ms (\(count))"
            }
            print(line)
        }
    }
}
