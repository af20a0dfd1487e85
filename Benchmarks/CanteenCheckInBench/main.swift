// Durable check-ins per second: canteen-meals' CheckIn over TWP/1 (mutual TLS on loopback,
// the gateway's principal, the service's store in WAL with synchronous FULL) against the
// ceiling of a bare SQLite loop doing the same durable work (one transaction per check-in
// inserting the once-a-day row and the meal, WAL, synchronous FULL), in one run, on one disk.
//
//   cd Benchmarks && swift run -c release CanteenCheckInBench [check-ins] [concurrency]
import CanteenService
import Crypto
import Foundation
import GRDB
import NIOCore
import SwiftProtobuf
import TownshipCertificates
import TownshipProtos
import TownshipRPC
import TownshipTLS

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let checkIns = arguments.first ?? 5_000
let concurrency = arguments.dropFirst().first ?? 64

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("canteen-checkin-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

// --- The bare SQLite ceiling ------------------------------------------------------------------

func bareSQLiteRate(count: Int, directory: URL) throws -> Double {
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    let pool = try DatabasePool(path: directory.appendingPathComponent("bare.sqlite").path, configuration: configuration)
    try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try db.execute(sql: """
            CREATE TABLE subsidised_days (elder_id INTEGER NOT NULL, day TEXT NOT NULL, PRIMARY KEY (elder_id, day)) WITHOUT ROWID;
            CREATE TABLE meals (id INTEGER PRIMARY KEY, elder_id INTEGER NOT NULL, canteen_id TEXT NOT NULL, day TEXT NOT NULL,
                                served_at REAL NOT NULL, subsidy_fen INTEGER NOT NULL);
            """)
    }
    let start = Date()
    for elder in 1...count {
        try pool.write { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO subsidised_days (elder_id, day) VALUES (?, '2026-12-02')").execute(arguments: [elder])
            try db.cachedStatement(sql: "INSERT INTO meals (elder_id, canteen_id, day, served_at, subsidy_fen) VALUES (?, 'K01', '2026-12-02', ?, 500)")
                .execute(arguments: [elder, Date().timeIntervalSince1970])
        }
    }
    return Double(count) / Date().timeIntervalSince(start)
}

// --- The service over TWP/1 -------------------------------------------------------------------

struct FixedClock: CanteenClock {
    func now() -> Date { Date() }
}

func serviceRate(count: Int, concurrency: Int, directory: URL) async throws -> Double {
    let ca = try DevelopmentCA.create()
    let caFiles = try ca.write(to: directory)
    let serverFiles = try ca.issue(identity: .service("canteen-meals")).write(to: directory)
    let gatewayFiles = try ca.issue(identity: .service("gateway")).write(to: directory)
    let store = try CanteenStore(path: directory.appendingPathComponent("canteen-meals.sqlite").path,
                                 idLookupKey: SymmetricKey(size: .bits256), clock: FixedClock())
    // Enough elders that every check-in is a different elder's first (subsidised) meal.
    let scale = Double(count) / 12_568 + 0.01
    _ = try DemoSeeder.load(into: store, scale: scale, mealsPerCanteenPerDay: 0, days: 0)
    let canteen = try store.canteens().first { $0.status == .operating }!
    let service = CanteenService(store: store, callerPolicy: CallerPolicy(allowedCallers: ["spiffe://township.local/service/gateway"]))
    let contexts = try ReloadableTLSContext(configuration: .server(
        certificateChainPath: serverFiles.certificatePath, privateKeyPath: serverFiles.privateKeyPath, trustedCAPath: caFiles.certificatePath))
    let server = RPCServer(configuration: RPCServerConfiguration(drainTimeout: .seconds(5)), router: service.makeRouter(),
                           security: TLSServerTransport(contexts: contexts))
    let serverTask = Task { try await server.run() }
    let port = try await server.localAddress().port!
    let identity = "spiffe://township.local/service/canteen-meals"
    let client = RPCClient(
        configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)], serverIdentity: identity, maxAttempts: 1),
        security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
            certificateChainPath: gatewayFiles.certificatePath, privateKeyPath: gatewayFiles.privateKeyPath,
            trustedCAPath: caFiles.certificatePath, expectedServerIdentity: identity))))
    var principal = Township_Common_V1_Principal()
    principal.userID.value = "bench-admin"; principal.role = .admin
    let options = CallOptions(timeout: .seconds(60), principal: ByteBuffer(bytes: try principal.serializedBytes() as [UInt8]))
    let path = Township_Canteen_V1_CanteenMeals.checkIn.path
    let canteenID = canteen.id
    let request: @Sendable (Int) -> Township_Canteen_V1_CheckInRequest = { n in
        var r = Township_Canteen_V1_CheckInRequest()
        r.clientRequestID = "bench-\(n)"; r.canteenID.value = canteenID; r.cardNumber = String(format: "C%012d", n)
        return r
    }
    // Warm the connection and the menu of today.
    _ = try store.putMenu(MenuRecord(canteenID: canteen.id, day: store.today, dishes: [DishRecord(name: "套餐", priceFen: 1500)], mealPriceFen: 1500))
    _ = try await client.unary(path, request(count + 1), as: Township_Canteen_V1_CheckInResponse.self, options: options)

    let next = ManagedAtomicCounter()
    let start = Date()
    try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var subsidised = 0
                while true {
                    let n = next.increment()
                    guard n <= count else { return subsidised }
                    let meal = try await client.unary(path, request(n), as: Township_Canteen_V1_CheckInResponse.self, options: options).meal
                    if meal.subsidy.amountFen > 0 { subsidised += 1 }
                }
            }
        }
        var total = 0
        for try await s in group { total += s }
        guard total == count else { throw BenchFailure(description: "\(total) of \(count) check-ins subsidised") }
    }
    let rate = Double(count) / Date().timeIntervalSince(start)
    await client.shutdown()
    serverTask.cancel()
    _ = try? await serverTask.value
    return rate
}

struct BenchFailure: Error, CustomStringConvertible { var description: String }

/// A shared counter for the closed loop's workers.
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

let bare = try bareSQLiteRate(count: checkIns, directory: directory)
let overRPC = try await serviceRate(count: checkIns, concurrency: concurrency, directory: directory)
print(String(format: "check-ins: %d, concurrency %d", checkIns, concurrency))
print(String(format: "bare SQLite loop (WAL, synchronous FULL, one transaction per check-in): %8.0f /s", bare))
print(String(format: "CheckIn over TWP/1 (mTLS loopback, canteen-meals store, FULL):        %8.0f /s", overRPC))
print(String(format: "ratio TWP/1 ÷ bare ceiling: %.2f", overRPC / bare))
try? FileManager.default.removeItem(at: directory)
