import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being made durable wait for the
/// next one, which carries all of them (each in its own savepoint) and costs one fsync.
/// Every write still replies only after the commit that holds it is durable; a write that
/// fails rolls back its own savepoint and fails alone. With `synchronous = FULL` the fsync,
/// not the SQL, bounds a single-writer database; batching is what lets acknowledged
/// submissions scale with the number of clients.
final class GroupCommit: Sendable {
    /// Bounds a transaction's length, so one batch never holds the writer for long.
    static let maxBatch = 256

    private struct Pending: Sendable {
        let work: @Sendable (Database) throws -> any Sendable
        let reply: CheckedContinuation<any Sendable, any Error>
    }

    private let pool: DatabasePool
    private let state = Mutex<(queue: [Pending], draining: Bool)>(([], false))

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (reply: CheckedContinuation<any Sendable, any Error>) in
            let startDrain = state.withLock { state -> Bool in
                state.queue.append(Pending(work: { try work($0) }, reply: reply))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
        return result as! T
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(Self.maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let results = try await pool.writeWithoutTransaction { db -> [Result<any Sendable, any Error>] in
                    var results: [Result<any Sendable, any Error>] = []
                    try db.inTransaction {
                        for item in batch {
                            var value: (any Sendable)?
                            do {
                                try db.inSavepoint {
                                    value = try item.work(db)
                                    return .commit
                                }
                                results.append(.success(value!))
                            } catch {
                                results.append(.failure(error))
                            }
                        }
                        return .commit
                    }
                    return results
                }
                for (item, result) in zip(batch, results) { item.reply.resume(with: result) }
            } catch {
                // The commit itself failed: nothing in the batch is durable, so nobody is told otherwise.
                for item in batch { item.reply.resume(throwing: error) }
            }
        }
    }
}
