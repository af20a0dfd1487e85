import Crypto
import Foundation
import GRDB

/// Signed checkpoints of the global chain (`ledger_checkpoint`): the head's position and hash
/// with an HMAC-SHA256 under a key kept outside the database (`SecretKeyFile`, `ledger.checkpointKeyFile`). Whoever
/// can write the database can recompute every hash, but not a checkpoint's HMAC, so a rewrite
/// of anything before the latest checkpoint shows in `verifyGlobalChain`.
public struct LedgerCheckpoint: Sendable, Equatable {
    public var position: Int64
    public var chainHash: String
    public var createdAt: Date
    public var mac: String

    public init(position: Int64, chainHash: String, createdAt: Date, mac: String) {
        self.position = position; self.chainHash = chainHash; self.createdAt = createdAt; self.mac = mac
    }

    static func message(position: Int64, chainHash: String, createdAt: Date) -> [UInt8] {
        Array("township.intake.ledger-checkpoint.v1|\(position)|\(chainHash)|\(LedgerHasher.milliseconds(createdAt))".utf8)
    }

    public static func signed(position: Int64, chainHash: String, createdAt: Date, key: SymmetricKey) -> LedgerCheckpoint {
        let mac = HMAC<SHA256>.authenticationCode(for: message(position: position, chainHash: chainHash, createdAt: createdAt), using: key)
        return LedgerCheckpoint(position: position, chainHash: chainHash, createdAt: createdAt, mac: LedgerHasher.hex(mac))
    }

    public func isSigned(with key: SymmetricKey) -> Bool {
        LedgerCheckpoint.signed(position: position, chainHash: chainHash, createdAt: createdAt, key: key).mac == mac
    }
}

enum LedgerCheckpoints {
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ledger_checkpoint (id INTEGER PRIMARY KEY AUTOINCREMENT, position INTEGER NOT NULL,
                chain_hash TEXT NOT NULL, created_at INTEGER NOT NULL, mac TEXT NOT NULL)
            """)
    }

    static func latest(_ db: Database) throws -> LedgerCheckpoint? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ledger_checkpoint ORDER BY id DESC LIMIT 1") else { return nil }
        return LedgerCheckpoint(position: row["position"], chainHash: row["chain_hash"],
                                createdAt: RowCoding.date(row["created_at"] as Int64), mac: row["mac"])
    }
}

extension SQLiteTicketStore {
    /// Signs the current head of the global chain, unless the latest checkpoint already holds it.
    /// Without a key (tests, tools) there is nothing to sign with: returns nil.
    @discardableResult
    public func writeCheckpoint() async throws -> LedgerCheckpoint? {
        guard let key = checkpointKey else { return nil }
        let now = clock.now()
        return try await pool.write { db in
            let head = try GlobalLedgerChain.head(db) ?? (position: 0, chainHash: LedgerHasher.genesisHash)
            if let latest = try LedgerCheckpoints.latest(db), latest.position == head.position, latest.chainHash == head.chainHash,
               latest.isSigned(with: key) {
                return latest
            }
            let checkpoint = LedgerCheckpoint.signed(position: head.position, chainHash: head.chainHash, createdAt: now, key: key)
            try db.execute(sql: "INSERT INTO ledger_checkpoint (position, chain_hash, created_at, mac) VALUES (?, ?, ?, ?)",
                           arguments: [checkpoint.position, checkpoint.chainHash, RowCoding.millis(checkpoint.createdAt), checkpoint.mac])
            return checkpoint
        }
    }
}
