import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO

extension PostgresTicketStore {
    public static let maxEventBatch = 1_000

    public func timeline(_ id: TicketID, for principal: Principal) async throws -> [LedgerEvent] {
        let scope = try VisibilityScope(for: principal)
        let logger = self.logger
        return try await client.withConnection { db in
            _ = try await PostgresTicketWrites.loadVisibleTicket(id, scope: scope, db, logger)
            return try await PostgresTicketWrites.ledger(of: id, db, logger)
        }
    }

    public func verifyLedger(_ ticketID: TicketID, for principal: Principal) async throws -> LedgerVerification {
        let scope = try VisibilityScope(for: principal)
        let logger = self.logger
        return try await client.withConnection { db in
            let ticket = try await PostgresTicketWrites.loadVisibleTicket(ticketID, scope: scope, db, logger)
            let row = try await db.row("SELECT ledger_length, ledger_head FROM ticket WHERE id = \(ticketID)", logger)!
            let events: Result<[LedgerEvent], any Error>
            do { events = .success(try await PostgresTicketWrites.ledger(of: ticketID, db, logger)) } catch { events = .failure(error) }
            return LedgerVerifier.verify(loaded: events, ticket: ticket, recordedLength: row["ledger_length"], recordedHead: row["ledger_head"])
        }
    }

    /// Events after `position`, in position order, limited to tickets the principal may see.
    /// Positions are taken under the head row's lock and commit in that order, so a reader
    /// that saw position n will never later find a smaller one appear.
    public func events(after position: Int64, limit: Int, for principal: Principal) async throws -> [LedgerEvent] {
        let scope = try VisibilityScope(for: principal)
        guard (1...Self.maxEventBatch).contains(limit) else {
            throw IntakeError.invalidInput("limit must be 1...\(Self.maxEventBatch), got \(limit)")
        }
        guard position >= 0 else { throw IntakeError.invalidInput("position must be >= 0") }
        var sql = BoundSQL()
        if scope.condition == "1" {
            sql.text = "SELECT e.* FROM ledger_event e WHERE e.position > \(sql.bind(position))"
        } else {
            sql.text = "SELECT e.* FROM ledger_event e JOIN ticket t ON t.id = e.ticket_id WHERE e.position > \(sql.bind(position)) AND "
            sql.append(questionMarks: scope.condition, scope.arguments)
        }
        sql.text += " ORDER BY e.position LIMIT \(sql.bind(Int64(limit)))"
        let (query, logger) = (sql.query, self.logger)
        return try await client.withConnection { try await $0.rows(query, logger).map(RowCoding.ledgerEvent) }
    }

    /// Woken by NOTIFY from any replica's commit; `pollInterval` only bounds a lost notification.
    public func eventStream(after position: Int64, for principal: Principal, pollInterval: Duration) throws -> LedgerEventStream {
        _ = try VisibilityScope(for: principal)
        return LedgerEventStream(start: position, signal: changeSignal, pollInterval: pollInterval) { [self] after in
            try await events(after: after, limit: 200, for: principal)
        }
    }

    /// Tails waiting for a change now (tests wait for this instead of sleeping).
    public var eventWaiterCount: Int { changeSignal.waiterCount }

    public func ledgerHeadPosition() async throws -> Int64 {
        let logger = self.logger
        return try await client.withConnection { try await $0.scalar(Int64.self, "SELECT position FROM ledger_chain_head", logger) ?? 0 }
    }

    /// This township's ticket with this number: naming the township lets the lookup use the
    /// (township, number) unique index instead of scanning every ticket.
    public func ticketID(number: String) async throws -> TicketID? {
        let (logger, township) = (self.logger, configuration.townshipCode)
        return try await client.withConnection {
            try await $0.scalar(Int64.self, "SELECT id FROM ticket WHERE township = \(township) AND number = \(number)", logger)
        }
    }

    public func ticketIDs(after id: TicketID, limit: Int) async throws -> [TicketID] {
        let logger = self.logger
        return try await client.withConnection { db in
            try await db.rows("SELECT id FROM ticket WHERE id > \(id) ORDER BY id LIMIT \(Int64(limit))", logger).map { $0["id"] as Int64 }
        }
    }

    // MARK: Global chain and checkpoints

    @discardableResult
    public func writeCheckpoint() async throws -> LedgerCheckpoint? {
        guard let key = checkpointKey else { return nil }
        let (now, logger) = (clock.now(), self.logger)
        return try await Self.transaction(client, logger) { db in
            // The head row's lock: the head cannot move while it is being signed.
            let head = try await db.row("SELECT position, chain_hash FROM ledger_chain_head FOR UPDATE", logger)!
            let (position, chainHash): (Int64, String) = (head["position"], head["chain_hash"])
            if let latest = try await Self.latestCheckpoint(db, logger), latest.position == position, latest.chainHash == chainHash,
               latest.isSigned(with: key) {
                return latest
            }
            let checkpoint = LedgerCheckpoint.signed(position: position, chainHash: chainHash, createdAt: now, key: key)
            try await db.execute("""
                INSERT INTO ledger_checkpoint (position, chain_hash, created_at, mac)
                VALUES (\(checkpoint.position), \(checkpoint.chainHash), \(LedgerHasher.milliseconds(checkpoint.createdAt)), \(checkpoint.mac))
                """, logger)
            return checkpoint
        }
    }

    static func latestCheckpoint(_ db: PostgresConnection, _ logger: Logger) async throws -> LedgerCheckpoint? {
        guard let row = try await db.row("SELECT * FROM ledger_checkpoint ORDER BY id DESC LIMIT 1", logger) else { return nil }
        return LedgerCheckpoint(position: row["position"], chainHash: row["chain_hash"],
                                createdAt: RowCoding.date(row["created_at"] as Int64), mac: row["mac"])
    }

    /// Recomputes the global chain from every event, in batches, against the stored links and
    /// the latest signed checkpoint (as the SQLite store does).
    public func verifyGlobalChain() async throws -> GlobalChainVerification {
        let (key, logger) = (checkpointKey, self.logger)
        return try await client.withConnection { db in
            let checkpoint = try await Self.latestCheckpoint(db, logger)
            var verifier = GlobalChainVerifier(checkpoint: checkpoint, key: key)
            if let early = verifier.checkCheckpoint(eventCount: try await db.scalar(Int64.self, "SELECT COUNT(*) FROM ledger_event", logger) ?? 0) {
                return early
            }
            var after: Int64 = 0
            while true {
                let rows = try await db.rows("""
                    SELECT e.*, c.chain_hash FROM ledger_event e LEFT JOIN ledger_chain c ON c.position = e.position
                    WHERE e.position > \(after) ORDER BY e.position LIMIT 5000
                    """, logger)
                for row in rows {
                    if let broken = verifier.check(try RowCoding.ledgerEvent(row), storedLink: row["chain_hash"]) { return broken }
                }
                guard let last = rows.last else { break }
                after = last["position"]
            }
            return verifier.finish()
        }
    }
}
