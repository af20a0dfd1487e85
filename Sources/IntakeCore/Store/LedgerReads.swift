import Foundation
import GRDB

extension SQLiteTicketStore {
    public static let maxEventBatch = 1_000

    public func timeline(_ id: TicketID, for principal: Principal) async throws -> [LedgerEvent] {
        let scope = try VisibilityScope(for: principal)
        return try await pool.read { db in
            _ = try Self.loadVisibleTicket(id, scope: scope, db: db)
            return try Self.ledger(of: id, db: db)
        }
    }

    static func ledger(of id: TicketID, db: Database) throws -> [LedgerEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM ledger_event WHERE ticket_id = ? ORDER BY sequence, position", arguments: [id])
            .map(RowCoding.ledgerEvent)
    }

    /// Recomputes the ticket's chain; reports intact or the first event that does not check out.
    public func verifyLedger(_ ticketID: TicketID, for principal: Principal) async throws -> LedgerVerification {
        let scope = try VisibilityScope(for: principal)
        return try await pool.read { db in
            let ticket = try Self.loadVisibleTicket(ticketID, scope: scope, db: db)
            let row = try Row.fetchOne(db, sql: "SELECT ledger_length, ledger_head FROM ticket WHERE id = ?", arguments: [ticketID])!
            return LedgerVerifier.verify(loaded: Result { try Self.ledger(of: ticketID, db: db) }, ticket: ticket,
                                         recordedLength: row["ledger_length"], recordedHead: row["ledger_head"])
        }
    }

    /// Events with a position greater than `position`, in position order, limited to tickets the
    /// principal may see.
    public func events(after position: Int64, limit: Int, for principal: Principal) async throws -> [LedgerEvent] {
        let scope = try VisibilityScope(for: principal)
        guard (1...Self.maxEventBatch).contains(limit) else {
            throw IntakeError.invalidInput("limit must be 1...\(Self.maxEventBatch), got \(limit)")
        }
        guard position >= 0 else { throw IntakeError.invalidInput("position must be >= 0") }
        return try await pool.read { db in
            let sql = scope.condition == "1"
                ? "SELECT e.* FROM ledger_event e WHERE e.position > ? ORDER BY e.position LIMIT ?"
                : "SELECT e.* FROM ledger_event e JOIN ticket t ON t.id = e.ticket_id WHERE e.position > ? AND \(scope.condition) ORDER BY e.position LIMIT ?"
            let args: StatementArguments = scope.condition == "1"
                ? [position, limit] : [position] + scope.statementArguments + [limit]
            return try Row.fetchAll(db, sql: sql, arguments: args).map(RowCoding.ledgerEvent)
        }
    }

    public var eventWaiterCount: Int { changeSignal.waiterCount }

    /// `pollInterval` bounds how late a change made by another process is seen; changes made
    /// through this store wake the stream at once.
    public func eventStream(after position: Int64, for principal: Principal, pollInterval: Duration) throws -> LedgerEventStream {
        _ = try VisibilityScope(for: principal)
        return LedgerEventStream(start: position, signal: changeSignal, pollInterval: pollInterval) { [self] after in
            try await events(after: after, limit: 200, for: principal)
        }
    }
}
