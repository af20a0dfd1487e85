import CanteenCore
import Foundation
import GRDB

/// The canteen-meals store: one SQLite file in WAL mode with `synchronous = FULL` (money and
/// eligibility depend on every write: a reply goes out only after a durable commit). Writes are
/// serialised by SQLite; the rules that must hold across concurrent calls (one subsidised meal
/// per elder per day, seats per sitting, a settlement issued once) are checked and written in
/// one transaction, the first by a primary key.
public final class CanteenStore: Sendable {
    let pool: DatabasePool
    let protector: ResidentIDProtector
    public let configuration: CanteenConfiguration
    let clock: any CanteenClock
    /// Check-ins waiting for the writer, committed together.
    let checkIns = CheckInGroupCommit()

    public struct OpenFailed: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open the database \(path): \(reason)" }
    }

    public init(path: String, idLookupKey: some ContiguousBytes, configuration: CanteenConfiguration = CanteenConfiguration(),
                clock: any CanteenClock = SystemCanteenClock()) throws {
        protector = try ResidentIDProtector(key: idLookupKey)
        self.configuration = configuration
        self.clock = clock
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB sets NORMAL on the writer when it enables WAL: FULL again on the writer.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try CanteenSchema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw OpenFailed(path: path, reason: "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error)")")
        }
    }

    /// The journal mode and synchronous level the writer runs with (tests check them).
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
    }

    /// Today in the district's time zone.
    public var today: CivilDate { CivilDate.today(in: configuration.timeZone, now: clock.now()) }

    /// How many elders are registered (seed refuses to add to a store that has some).
    public func elderCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM elders")! }
    }

    /// The local instant `minute` minutes after midnight of `day` in the district's time zone.
    func instant(_ day: CivilDate, minute: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.timeZone
        let midnight = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return midnight.addingTimeInterval(Double(minute) * 60)
    }
}

/// Row helpers shared by the store's files.
extension Row {
    func civilDate(_ column: String) -> CivilDate {
        let text: String = self[column]
        return CivilDate(text)!
    }
}

extension CivilDate {
    /// The month "YYYY-MM" it falls in.
    var monthText: String { String(description.prefix(7)) }
}
