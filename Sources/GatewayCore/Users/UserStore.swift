import TownshipRoles
import Crypto
import Foundation
import GRDB
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// Users and sessions in SQLite. Passwords are bcrypt hashes; session tokens are random
/// 256-bit values of which only the SHA-256 is stored, so a copy of the database opens no
/// session.
public final class UserStore: Sendable {
    private let database: DatabaseQueue
    private let bcryptCost: UInt8
    private let now: @Sendable () -> Date
    /// Verified against when the login is unknown, so that the answer takes as long.
    private let decoyHash: String
    /// bcrypt takes ~250 ms of CPU at cost 12: it runs on these threads, never on the async
    /// executor's (a few sign-ins would stall every request), and no more at once than there
    /// are threads (the rest wait their turn).
    private let hashing: NIOThreadPool
    /// Hashes running or waiting for a thread; beyond `maxPendingHashes` a sign-in is refused
    /// at once (`Busy`) rather than queued behind minutes of work.
    /// Boxed: an `Atomic` stored directly in this class crashes the release compiler (Swift 6
    /// CopyPropagation, "Found ownership error" on the throwing init's error path).
    private let pendingHashes = PendingHashes()
    private let maxPendingHashes: Int

    /// The hashing threads are all taken and `maxPendingHashes` hashes wait for them.
    public struct Busy: Error {}

    public init(
        path: String, bcryptCost: UInt8 = 12, hashingThreads: Int = 2, maxPendingHashes: Int = 64,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try DatabaseQueue(path: path)
        self.bcryptCost = bcryptCost
        self.now = now
        decoyHash = Bcrypt.hash("decoy-\(UUID().uuidString)", cost: bcryptCost)
        hashing = NIOThreadPool(numberOfThreads: max(1, hashingThreads))
        self.maxPendingHashes = max(1, maxPendingHashes)
        hashing.start()
        try Self.migrator.migrate(database)
    }

    deinit {
        hashing.shutdownGracefully { _ in }
    }

    private func hash(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await onHashingThread { Bcrypt.hash(password, cost: cost) }
    }

    private func verify(_ password: String, hash: String) async throws -> Bool {
        try await onHashingThread { Bcrypt.verify(password, hash: hash) }
    }

    private func onHashingThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        guard pendingHashes.count.wrappingAdd(1, ordering: .relaxed).newValue <= maxPendingHashes else {
            pendingHashes.count.wrappingSubtract(1, ordering: .relaxed)
            throw Busy()
        }
        defer { pendingHashes.count.wrappingSubtract(1, ordering: .relaxed) }
        return try await hashing.runIfActive(work)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "user") { t in
                t.column("id", .text).primaryKey()
                t.column("login", .text).notNull().unique()
                t.column("password_hash", .text).notNull()
                t.column("display_name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("grid_id", .text)
                t.column("department_id", .text)
                t.column("village_id", .text)
            }
            try db.create(table: "session") { t in
                t.column("token_sha256", .text).primaryKey()
                t.column("user_id", .text).notNull().references("user", onDelete: .cascade)
                t.column("created_at", .double).notNull()
                t.column("expires_at", .double).notNull()
            }
            try db.create(index: "session_expiry", on: "session", columns: ["expires_at"])
        }
        return migrator
    }

    // MARK: Users

    public func userCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") ?? 0 }
    }

    public func addUser(_ user: GatewayUser, password: String) async throws {
        let hash = try await hash(password)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO user (id, login, password_hash, display_name, role, grid_id, department_id, village_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [user.id, user.login, hash, user.displayName, user.role.rawValue, user.gridID, user.departmentID, user.villageID])
        }
    }

    /// Creates the demo users when there is no user at all; returns the ones created.
    @discardableResult
    public func seedDemoUsersIfEmpty() async throws -> [GatewayUser] {
        guard try await userCount() == 0 else { return [] }
        // bcrypt is slow on purpose: hash the nine passwords side by side.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in DemoUsers.all { group.addTask { try await self.addUser(user, password: DemoUsers.password) } }
            try await group.waitForAll()
        }
        return DemoUsers.all
    }

    /// The user when the password matches, nil otherwise (unknown login or wrong password).
    public func verify(login: String, password: String) async throws -> GatewayUser? {
        let found = try await database.read { db -> StoredUser? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM user WHERE login = ?", arguments: [login]) else { return nil }
            return StoredUser(user: try Self.user(from: row), passwordHash: row["password_hash"])
        }
        guard let found else {
            _ = try await verify(password, hash: decoyHash)
            return nil
        }
        guard try await verify(password, hash: found.passwordHash) else { return nil }
        return found.user
    }

    private struct StoredUser: Sendable {
        var user: GatewayUser
        var passwordHash: String
    }

    private static func user(from row: Row) throws -> GatewayUser {
        let roleName: String = row["role"]
        guard let role = GatewayRole(rawValue: roleName), role.protoNumber != nil else {
            throw DatabaseError(message: "user \(row["id"] as String) has an unknown role '\(roleName)'")
        }
        return GatewayUser(
            id: row["id"], login: row["login"], displayName: row["display_name"], role: role,
            gridID: row["grid_id"], departmentID: row["department_id"], villageID: row["village_id"])
    }

    // MARK: Sessions

    public struct Session: Sendable {
        public var token: String
        public var expiresAt: Date
    }

    public func createSession(for user: GatewayUser, ttl: Duration) async throws -> Session {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let created = now()
        let expires = created.addingTimeInterval(Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18)
        let digest = Self.digest(token)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [created.timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO session (token_sha256, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [digest, user.id, created.timeIntervalSince1970, expires.timeIntervalSince1970])
        }
        return Session(token: token, expiresAt: expires)
    }

    /// The user of a live session; nil when the token is unknown or expired.
    public func user(forToken token: String) async throws -> GatewayUser? {
        try await session(forToken: token)?.user
    }

    /// The user of a live session and how long the session has left; nil when the token is
    /// unknown or expired.
    public func session(forToken token: String) async throws -> (user: GatewayUser, remaining: Duration)? {
        guard !token.isEmpty, token.utf8.count <= 128 else { return nil }
        let digest = Self.digest(token)
        let instant = now().timeIntervalSince1970
        return try await database.read { db -> (user: GatewayUser, remaining: Duration)? in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT user.*, session.expires_at AS session_expires_at FROM session JOIN user ON user.id = session.user_id WHERE token_sha256 = ? AND expires_at > ?",
                arguments: [digest, instant])
            guard let row else { return nil }
            let expiresAt: Double = row["session_expires_at"]
            return (try Self.user(from: row), .milliseconds(Int64(((expiresAt - instant) * 1000).rounded(.down))))
        }
    }

    public func deleteSession(token: String) async throws {
        let digest = Self.digest(token)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM session WHERE token_sha256 = ?", arguments: [digest])
        }
    }

    private static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// How many hashes run or wait (see `UserStore.pendingHashes`).
private final class PendingHashes: Sendable {
    let count = Atomic<Int>(0)
}
