import Foundation
import GRDB
import LiaisonCore

/// Completed calls' replies by idempotency key (spec §6).
extension LiaisonStore {
    /// The reply stored for a key, with the request it answered; nil if the key is new.
    public func storedReply(scope: String, method: String, key: String) throws -> (request: [UInt8], response: [UInt8])? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT request, response FROM idempotency_key WHERE scope = ? AND method = ? AND key = ?",
                             arguments: [scope, method, key]).map { row in
                ([UInt8](row["request"] as Data), [UInt8](row["response"] as Data))
            }
        }
    }

    /// Records a completed call's reply unless one was recorded first (a concurrent retry), and
    /// returns the reply the key now answers with.
    public func storeReply(scope: String, method: String, key: String, request: [UInt8], response: [UInt8], now: Instant) async throws -> [UInt8] {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO idempotency_key (scope, method, key, request, response, at_s) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [scope, method, key, Data(request), Data(response), now.secondsSinceEpoch])
            let stored = try Data.fetchOne(db, sql: "SELECT response FROM idempotency_key WHERE scope = ? AND method = ? AND key = ?",
                                           arguments: [scope, method, key])
            return stored.map { [UInt8]($0) } ?? response
        }
    }

    /// Forgets keys older than `hours`; returns how many.
    @discardableResult
    public func forgetIdempotencyKeys(olderThan hours: Int, now: Instant) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM idempotency_key WHERE at_s < ?", arguments: [now.secondsSinceEpoch - Int64(hours) * 3600])
            return db.changesCount
        }
    }
}
