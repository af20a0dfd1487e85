import Crypto
import Foundation
import GRDB

/// The API keys of Open311 client applications (GeoReport's `api_key`), issued and revoked by
/// an admin (`gateway api-keys issue|list|revoke`). A key is 32 random bytes shown once at
/// issue; only its SHA-256 is stored, so a copy of the database lets nobody in. Revoking keeps
/// the row (who had a key, and until when) and takes effect on the next request: every
/// request looks the key up.
public final class Open311APIKeyStore: Sendable {
    private let database: DatabaseQueue
    private let now: @Sendable () -> Date

    /// A key as listed (never the key itself).
    public struct Record: Sendable, Equatable {
        public var id: String
        public var application: String
        public var issuedAt: Date
        public var revokedAt: Date?
    }

    /// What `issue` returns: the record and the key, which is not stored and not shown again.
    public struct Issued: Sendable {
        public var record: Record
        public var key: String
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// The longest application name accepted.
    public static let maxApplicationLength = 100
    /// Longer `api_key` values are not looked up (a real one is 43 characters).
    static let maxKeyLength = 128

    public init(path: String, now: @escaping @Sendable () -> Date = { Date() }) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try DatabaseQueue(path: path)
        self.now = now
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-open311-api-keys") { db in
            try db.create(table: "api_key") { t in
                t.column("id", .text).primaryKey()
                t.column("key_sha256", .text).notNull().unique()
                t.column("application", .text).notNull()
                t.column("issued_at", .double).notNull()
                t.column("revoked_at", .double)
            }
        }
        try migrator.migrate(database)
    }

    /// Issues a new key for `application` (a name an admin recognises, 1 to 100 characters).
    public func issue(application: String) throws -> Issued {
        let name = application.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= Self.maxApplicationLength else {
            throw Invalid(description: "the application name must be 1 to \(Self.maxApplicationLength) characters")
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // URL-safe base64 without padding: the key travels in query strings and form bodies.
        let key = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let record = Record(id: "k-" + UUID().uuidString.lowercased().prefix(8), application: name, issuedAt: now(), revokedAt: nil)
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO api_key (id, key_sha256, application, issued_at) VALUES (?, ?, ?, ?)",
                arguments: [record.id, Self.digest(key), record.application, record.issuedAt.timeIntervalSince1970])
        }
        return Issued(record: record, key: key)
    }

    /// Every key, oldest first.
    public func list() throws -> [Record] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_key ORDER BY issued_at, id").map(Self.record)
        }
    }

    /// Revokes a key by its id; false when there is no such key. Revoking twice keeps the first time.
    @discardableResult
    public func revoke(id: String) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", arguments: [now().timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    /// The live (not revoked) key's record; nil for an unknown or revoked key.
    public func application(forKey key: String) async throws -> Record? {
        guard !key.isEmpty, key.utf8.count <= Self.maxKeyLength else { return nil }
        return try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE key_sha256 = ? AND revoked_at IS NULL", arguments: [Self.digest(key)])
                .map(Self.record)
        }
    }

    private static func record(_ row: Row) -> Record {
        Record(
            id: row["id"], application: row["application"], issuedAt: Date(timeIntervalSince1970: row["issued_at"]),
            revokedAt: (row["revoked_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }

    private static func digest(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
