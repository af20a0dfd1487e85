import Crypto
import Foundation
import GRDB

/// Signed checkpoints of the global chain (`ledger_checkpoint`): the head's position and hash
/// with an HMAC-SHA256 under a key kept outside the database (`LedgerCheckpointKey`). Whoever
/// can write the database can recompute every hash, but not a checkpoint's HMAC, so a rewrite
/// of anything before the latest checkpoint shows in `verifyGlobalChain`.
public struct LedgerCheckpoint: Sendable, Equatable {
    public var position: Int64
    public var chainHash: String
    public var createdAt: Date
    public var mac: String

    static func message(position: Int64, chainHash: String, createdAt: Date) -> [UInt8] {
        Array("township.intake.ledger-checkpoint.v1|\(position)|\(chainHash)|\(LedgerHasher.milliseconds(createdAt))".utf8)
    }

    static func signed(position: Int64, chainHash: String, createdAt: Date, key: SymmetricKey) -> LedgerCheckpoint {
        let mac = HMAC<SHA256>.authenticationCode(for: message(position: position, chainHash: chainHash, createdAt: createdAt), using: key)
        return LedgerCheckpoint(position: position, chainHash: chainHash, createdAt: createdAt, mac: LedgerHasher.hex(mac))
    }

    func isSigned(with key: SymmetricKey) -> Bool {
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

/// The checkpoint key: 32 random bytes, hex, in a file of mode 0600 apart from the database,
/// created on first start.
public enum LedgerCheckpointKey {
    public struct Unusable: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "ledger checkpoint key \(path): \(reason)" }
    }

    public static func loadOrCreate(path: String) throws -> SymmetricKey {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            let key = SymmetricKey(size: .bits256)
            let hex = key.withUnsafeBytes { LedgerHasher.hex($0) } + "\n"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw Unusable(path: path, reason: "cannot be created: \(String(cString: strerror(errno)))") }
            let written = hex.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            let synced = fsync(fd)
            close(fd)
            guard written == hex.utf8.count, synced == 0 else { throw Unusable(path: path, reason: "cannot be written") }
        }
        let attributes = try fm.attributesOfItem(atPath: path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw Unusable(path: path, reason: "is readable or writable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        guard let text = fm.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }),
              text.count == 64, let bytes = hexBytes(text) else {
            throw Unusable(path: path, reason: "must hold 64 hexadecimal digits")
        }
        return SymmetricKey(data: bytes)
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = nibble(high), let l = nibble(low) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
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
