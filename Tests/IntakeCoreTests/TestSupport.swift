import Crypto
import Foundation
import GRDB
@testable import IntakeCore
import IntakePostgresStore
import TownshipTestSupport

/// A fresh directory per test, removed at the end.
final class TempDirectory: Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("intake-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var databasePath: String { url.appendingPathComponent("intake.sqlite").path }
}

enum Fixture {
    static let calendar = WorkingCalendar(holidays: [LocalDate(year: 2026, month: 10, day: 1), LocalDate(year: 2026, month: 10, day: 2)])

    /// Local time in Asia/Shanghai.
    static func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0) -> Date {
        calendar.startOfDay(LocalDate(year: y, month: m, day: d)).addingTimeInterval(TimeInterval(h * 3600 + min * 60))
    }

    /// Monday 2 March 2026, 10:00.
    static var monday: Date { at(2026, 3, 2, 10) }

    static let admin = Principal(userID: "admin-1", role: .admin)
    static let leader = Principal(userID: "leader-1", role: .leader)
    static let workerA = Principal(userID: "gw-a", role: .gridWorker, gridID: "V1-G1", villageID: "V1")
    static let workerB = Principal(userID: "gw-b", role: .gridWorker, gridID: "V2-G1", villageID: "V2")
    static let socialStaff = Principal(userID: "staff-social", role: .departmentStaff, departmentID: "dept-social")
    static let buildStaff = Principal(userID: "staff-build", role: .departmentStaff, departmentID: "dept-build")
    static let residentR = Principal(userID: "resident-r", role: .resident)
    static let residentS = Principal(userID: "resident-s", role: .resident)
    static let employer = Principal(userID: "emp-1", role: .employer)

    static let reference = ReferenceData(
        villages: [Village(id: "V1", name: "青山村"), Village(id: "V2", name: "柳树村")],
        grids: [
            Grid(id: "V1-G1", villageID: "V1", level: 3, name: "青山1号网格"),
            Grid(id: "V1-G2", villageID: "V1", level: 3, name: "青山2号网格"),
            Grid(id: "V2-G1", villageID: "V2", level: 3, name: "柳树1号网格"),
        ],
        gridWorkers: [
            GridWorker(userID: "gw-a", name: "王建国", gridID: "V1-G1", level: 3),
            GridWorker(userID: "gw-b", name: "李秀英", gridID: "V2-G1", level: 3),
        ],
        departments: [
            Department(id: "dept-social", name: "社会事务办", categoryIDs: ["pension", "elderly-care"]),
            Department(id: "dept-build", name: "规划建设办", categoryIDs: ["illegal-building"]),
        ],
        categories: [
            Category(id: "safety-hazard", name: "安全隐患", kind: .urgent),
            Category(id: "pension", name: "社保养老金", kind: .enquiry),
            Category(id: "elderly-care", name: "养老服务", kind: .help),
            Category(id: "illegal-building", name: "违章建筑", kind: .complaint),
            Category(id: "village-affairs", name: "村务建议", kind: .proposal),
        ])

    static func report(_ description: String = "临时用电一直没有接通", village: VillageID = "V1", grid: GridID? = "V1-G1",
                       category: CategoryID? = nil, channel: Channel = .hotline12345, phone: String = "13812345678",
                       reporterID: UserID? = nil, priority: Priority = .normal) -> NewTicket {
        NewTicket(channel: channel, reporter: Reporter(name: "张三", phone: phone, userID: reporterID), villageID: village,
                  gridID: grid, categoryID: category, description: description, priority: priority)
    }

    /// A report naming an upload that was never made: its submission fails inside the writer,
    /// after its ticket, ledger event and search row were written.
    static func reportNamingAnUnknownUpload(_ description: String) -> NewTicket {
        var report = Self.report(description)
        report.attachmentIDs = ["never-uploaded"]
        return report
    }
}

/// The stores the contract tests run against. PostgreSQL runs on a throwaway cluster of the
/// test process; without PostgreSQL binaries its cases fail with the fix in the message.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    var description: String { rawValue }
}

/// Closes a PostgreSQL store's pool when the last copy of its harness goes.
final class StoreLifetime: Sendable {
    let close: @Sendable () -> Void
    init(close: @escaping @Sendable () -> Void) { self.close = close }
    deinit { close() }
}

struct Harness: Sendable {
    let dir: TempDirectory
    let clock: ManualClock
    let kind: StoreKind
    let store: any IntakeStore
    /// The PostgreSQL database of a `.postgres` harness.
    let databaseURL: String?
    let lifetime: StoreLifetime

    init(_ kind: StoreKind = .sqlite, start: Date = Fixture.monday, configuration: IntakeConfiguration? = nil, dir: TempDirectory? = nil,
         checkpointKey: SymmetricKey? = nil, databaseURL: String? = nil) async throws {
        self.dir = try dir ?? TempDirectory()
        self.kind = kind
        clock = ManualClock(start)
        let config = configuration ?? IntakeConfiguration(townshipCode: "qingshan", calendar: Fixture.calendar)
        switch kind {
        case .sqlite:
            store = try SQLiteTicketStore(path: self.dir.databasePath, configuration: config, clock: clock, checkpointKey: checkpointKey)
            self.databaseURL = nil
            lifetime = StoreLifetime {}
        case .postgres:
            let cluster = try ThrowawayPostgres.shared()
            let url = try databaseURL ?? cluster.freshDatabase()
            let postgres = try await PostgresTicketStore.open(url: try PostgresDatabaseURL(parsing: url), password: cluster.password,
                                                              maxConnections: 4, configuration: config, clock: clock,
                                                              checkpointKey: checkpointKey)
            store = postgres
            self.databaseURL = url
            lifetime = StoreLifetime { postgres.close() }
        }
        if store.referenceData().villages.isEmpty {
            try await store.replaceReferenceData(Fixture.reference, by: Fixture.admin)
        }
    }

    /// The SQLite store, for the tests of SQLite's own mechanics.
    var sqlite: SQLiteTicketStore { store as! SQLiteTicketStore }

    /// Opens a second store on the same file or database (a restart).
    func reopened() async throws -> Harness {
        try await Harness(kind, start: clock.now(), configuration: store.configuration, dir: dir, databaseURL: databaseURL)
    }

    @discardableResult
    func submit(_ report: NewTicket = Fixture.report(), by principal: Principal = Fixture.admin) async throws -> TicketView {
        try await store.submit(report, by: principal)
    }

    @discardableResult
    func act(_ action: TicketAction, _ id: TicketID, by principal: Principal, note: String? = nil) async throws -> TicketView {
        try await store.perform(action, on: id, note: note, by: principal)
    }

    /// Runs raw SQL on the database file, as an attacker with file access would.
    func rawSQL(_ sql: String, _ arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: dir.databasePath)
        try queue.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// Drives a ticket to `status` along the department path (or the village path).
    func ticket(in status: TicketStatus, category: CategoryID = "pension", viaVillage: Bool = false) async throws -> TicketID {
        let id = try await submit().ticket.id
        let staff = category == "illegal-building" ? Fixture.buildStaff : Fixture.socialStaff
        let dept = category == "illegal-building" ? "dept-build" : "dept-social"
        if status == .submitted { return id }
        if status == .rejected { try await act(.reject(reason: "信息不全"), id, by: Fixture.workerA); return id }
        try await act(.accept(Classification(categoryID: category)), id, by: Fixture.workerA)
        if status == .accepted { return id }
        if viaVillage {
            try await act(.resolveAtVillage, id, by: Fixture.workerA)
        } else {
            try await act(.dispatch(to: dept), id, by: Fixture.workerA)
            if status == .dispatched { return id }
            try await act(.sign, id, by: staff)
            if status == .signed { return id }
            try await act(.startHandling, id, by: staff)
        }
        if status == .inProgress { return id }
        try await act(.reply(outcome: .fixed, result: "已处理"), id, by: viaVillage ? Fixture.workerA : staff)
        if status == .replied { return id }
        try await act(.followUp(satisfied: true, comment: nil), id, by: Fixture.workerA)
        if status == .followedUp { return id }
        try await act(.close, id, by: Fixture.workerA)
        return id
    }
}

func intakeError(_ body: () async throws -> Void) async -> IntakeError? {
    do { try await body(); return nil } catch let e as IntakeError { return e } catch { return .invalidInput("unexpected \(error)") }
}
