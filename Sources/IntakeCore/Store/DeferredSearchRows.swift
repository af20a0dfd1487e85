import GRDB
import Synchronization

/// New tickets' search rows, held by the group commit's writer until the batch's last write and
/// then inserted together, just before COMMIT, in the same transaction. SQLite's FTS5 (3.40)
/// writes its pending terms out as a new index segment whenever a statement opens a statement
/// journal: the next submission's number upsert and the ticket insert (its triggers) do, so an
/// inline search row cost one segment per ticket (22% of the writer's CPU in 256-batches,
/// profiled) instead of one per batch.
final class DeferredSearchRows: Sendable {
    private let rows = Mutex<[(id: TicketID, tokens: String)]>([])

    func add(_ id: TicketID, tokens: String) { rows.withLock { $0.append((id, tokens)) } }

    var count: Int { rows.withLock { $0.count } }

    /// Forgets the rows added after the first `count` (a write rolled back).
    func keepFirst(_ count: Int) { rows.withLock { $0.removeSubrange(min(count, $0.count)...) } }

    func removeAll() { rows.withLock { $0.removeAll(keepingCapacity: true) } }

    /// Inserts every held row in the caller's transaction, and forgets them.
    func insertAll(_ db: Database) throws {
        let held = rows.withLock { rows in
            defer { rows.removeAll(keepingCapacity: true) }
            return rows
        }
        let insert = try db.cachedStatement(sql: TicketPersistence.insertSearchSQL)
        for row in held { try insert.execute(arguments: [row.id, row.tokens]) }
    }
}
