import Foundation
import GRDB
import JobFairCore
import Synchronization

/// The job-fair store on SQLite through GRDB: a WAL `DatabasePool` with `synchronous = FULL`
/// (a reply only after a durable commit: hires and eligibility depend on it), versioned
/// migrations (`JobFairSchema`). Every write checks its input against what is stored inside
/// its own transaction and throws `JobFairError` naming the field, changing nothing.
public final class JobFairStore: Sendable {
    let pool: DatabasePool
    let limits: JobFairLimits
    /// True while a match runs: a second RunMatch is refused, never queued or interleaved.
    let matchRunning = Mutex(false)

    public struct OpenFailed: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open the database \(path): \(reason)" }
    }

    public init(path: String, limits: JobFairLimits = JobFairLimits()) throws {
        self.limits = limits
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB sets NORMAL on the writer when it enables WAL: FULL again on the one that writes.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try JobFairSchema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw OpenFailed(path: path, reason: "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error)")")
        }
    }

    /// The journal mode and synchronous level the writer runs with.
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
    }

    /// What `seed` would add to, if anything.
    public func contentSummary() async throws -> String? {
        let (fairs, seekers) = try await pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fairs")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM seekers")!)
        }
        return fairs + seekers == 0 ? nil : "\(fairs) fair(s) and \(seekers) seeker profile(s)"
    }

    // MARK: JSON columns

    static func json<T: Encodable>(_ value: T) -> String {
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    static func notFound(_ what: String, _ id: Int) -> JobFairError {
        .notFound(reason: "\(what.uppercased())_NOT_FOUND", "no \(what) \(id)")
    }
}
