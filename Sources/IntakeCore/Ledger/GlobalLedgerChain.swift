import Crypto
import Foundation
import GRDB

/// A chain over every ledger event in position order (`ledger_chain`): each link's hash covers
/// the previous link, the event's position and its per-ticket hash (which covers its content).
/// Rewriting one ticket's whole chain consistently still breaks this one; recomputing this one
/// too is caught by the keyed checkpoints (`LedgerCheckpoints`), whose key is not in the database.
public enum GlobalLedgerChain {
    static let domainTag = "township.intake.ledger-chain.v1"

    public static func link(previous: String, position: Int64, eventHash: String) -> String {
        LedgerHasher.hex(SHA256.hash(data: Array("\(domainTag)|\(previous)|\(position)|\(eventHash)".utf8)))
    }

    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            -- No foreign key to ledger_event: the chain is a witness of the events, and must
            -- outlive a deleted one so that verification can report the deletion.
            CREATE TABLE ledger_chain (position INTEGER PRIMARY KEY, chain_hash TEXT NOT NULL);
            CREATE TRIGGER ledger_chain_no_update BEFORE UPDATE ON ledger_chain
                BEGIN SELECT RAISE(ABORT, 'ledger_chain is append-only'); END;
            CREATE TRIGGER ledger_chain_no_delete BEFORE DELETE ON ledger_chain
                BEGIN SELECT RAISE(ABORT, 'ledger_chain is append-only'); END;
            """)
    }

    /// Links every event not linked yet, in position order (the migration's backfill of an
    /// existing database, and a catch-up after events written by an older version).
    static func backfill(_ db: Database) throws {
        var previous = try head(db)?.chainHash ?? LedgerHasher.genesisHash
        let rows = try Row.fetchCursor(db, sql: """
            SELECT e.position, e.hash FROM ledger_event e WHERE e.position > COALESCE((SELECT MAX(position) FROM ledger_chain), 0)
            ORDER BY e.position
            """)
        let insert = try db.makeStatement(sql: "INSERT INTO ledger_chain (position, chain_hash) VALUES (?, ?)")
        var pending: [(Int64, String)] = []
        while let row = try rows.next() {
            let position: Int64 = row["position"]
            previous = link(previous: previous, position: position, eventHash: row["hash"])
            pending.append((position, previous))
        }
        for (position, hash) in pending { try insert.execute(arguments: [position, hash]) }
    }

    /// Links one event just appended, in the caller's transaction. `head`: the writer's cached
    /// head, used instead of reading the chain's last row when it is the event's predecessor.
    static func append(position: Int64, eventHash: String, head: LedgerChainHead? = nil, db: Database) throws {
        let previous = try head?.previous(of: position)
            ?? String.fetchOne(db.cachedStatement(sql: "SELECT chain_hash FROM ledger_chain ORDER BY position DESC LIMIT 1"))
            ?? LedgerHasher.genesisHash
        let chainHash = link(previous: previous, position: position, eventHash: eventHash)
        try db.cachedStatement(sql: "INSERT INTO ledger_chain (position, chain_hash) VALUES (?, ?)")
            .execute(arguments: [position, chainHash])
        head?.current = LedgerChainHead.Link(position: position, chainHash: chainHash)
    }

    static func head(_ db: Database) throws -> (position: Int64, chainHash: String)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT position, chain_hash FROM ledger_chain ORDER BY position DESC LIMIT 1") else { return nil }
        return (row["position"], row["chain_hash"])
    }
}

/// What a whole-ledger check of the global chain and the latest checkpoint found.
public enum GlobalChainVerification: Sendable, Equatable {
    case intact(events: Int64, checkpointPosition: Int64?)
    case broken(position: Int64, ticketID: TicketID?, reason: String)
}

/// Walks the events in position order and checks each against its content, the stored link
/// of the global chain and the signed checkpoint: the check both stores run.
public struct GlobalChainVerifier: Sendable {
    let checkpoint: LedgerCheckpoint?
    let key: SymmetricKey?
    var previous = LedgerHasher.genesisHash
    var count: Int64 = 0
    var checkpointSeen: Bool

    public init(checkpoint: LedgerCheckpoint?, key: SymmetricKey?) {
        self.checkpoint = checkpoint
        self.key = key
        checkpointSeen = checkpoint == nil || checkpoint!.position == 0
    }

    /// Before the walk: with a key, the latest checkpoint must exist (unless the ledger is
    /// empty) and carry a valid HMAC. A verdict here ends the check.
    public func checkCheckpoint(eventCount: Int64) -> GlobalChainVerification? {
        guard let key else { return nil }
        guard let checkpoint else {
            return eventCount == 0 ? .intact(events: 0, checkpointPosition: nil)
                : .broken(position: 0, ticketID: nil, reason: "no signed checkpoint: the checkpoints were removed")
        }
        guard checkpoint.isSigned(with: key) else {
            return .broken(position: checkpoint.position, ticketID: nil,
                           reason: "checkpoint at position \(checkpoint.position) has a wrong HMAC: it was forged or altered")
        }
        return nil
    }

    /// The next event in position order with its stored link; a verdict when it breaks the chain.
    public mutating func check(_ event: LedgerEvent, storedLink: String?) -> GlobalChainVerification? {
        let content = LedgerHasher.hash(ticketID: event.ticketID, sequence: event.sequence, draft: event.draft, previousHash: event.previousHash)
        guard content == event.hash else {
            return .broken(position: event.position, ticketID: event.ticketID, reason: "event content does not match its hash")
        }
        previous = GlobalLedgerChain.link(previous: previous, position: event.position, eventHash: content)
        guard let storedLink, storedLink == previous else {
            return .broken(position: event.position, ticketID: event.ticketID,
                           reason: "global chain broken: the ledger was rewritten up to or at this event")
        }
        count += 1
        if let checkpoint, event.position == checkpoint.position {
            checkpointSeen = true
            guard previous == checkpoint.chainHash else {
                return .broken(position: event.position, ticketID: event.ticketID,
                               reason: "the ledger up to position \(event.position) differs from the signed checkpoint of \(checkpoint.createdAt): events before it were rewritten")
            }
        }
        return nil
    }

    /// After the last event.
    public func finish() -> GlobalChainVerification {
        if let checkpoint, !checkpointSeen {
            return .broken(position: checkpoint.position, ticketID: nil,
                           reason: "the event of the signed checkpoint at position \(checkpoint.position) is missing: events were deleted")
        }
        return .intact(events: count, checkpointPosition: checkpoint?.position)
    }
}

extension SQLiteTicketStore {
    /// Recomputes the global chain from every event's content and compares it with the stored
    /// links and, when the store has a checkpoint key, with the latest signed checkpoint.
    public func verifyGlobalChain() async throws -> GlobalChainVerification {
        let key = checkpointKey
        return try await pool.read { db in
            var verifier = GlobalChainVerifier(checkpoint: try LedgerCheckpoints.latest(db), key: key)
            if let early = verifier.checkCheckpoint(eventCount: try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_event") ?? 0) {
                return early
            }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT e.*, c.chain_hash FROM ledger_event e LEFT JOIN ledger_chain c ON c.position = e.position ORDER BY e.position
                """)
            while let row = try rows.next() {
                if let broken = verifier.check(try RowCoding.ledgerEvent(row), storedLink: row["chain_hash"]) { return broken }
            }
            return verifier.finish()
        }
    }
}
