import Dispatch
import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being made durable wait for the
/// next one, which carries all of them (each in its own savepoint) and costs one fsync.
/// Every write still replies only after the commit that holds it is durable; a write that
/// fails rolls back its own savepoint and fails alone. With `synchronous = FULL` the fsync,
/// not the SQL, bounds a single-writer database; batching is what lets acknowledged
/// submissions scale with the number of clients.
///
/// Two exceptions to "fails alone":
/// - SQLite may roll back the whole transaction on an error (SQLITE_FULL, IOERR, BUSY, NOMEM):
///   then the items before the failed one are gone too, so the whole batch fails with a
///   retryable `IntakeError.unavailable` and no reply claims a write that is not durable.
/// - The queue is bounded (`maxQueued`): past it a write fails at once with
///   `IntakeError.overloaded` instead of waiting behind a backlog it cannot outlast.
final class GroupCommit: Sendable {
    /// Bounds a transaction's length, so one batch never holds the writer for long.
    static let maxBatch = 256

    private struct Pending: Sendable {
        let work: @Sendable (Database) throws -> any Sendable
        let reply: CheckedContinuation<any Sendable, any Error>
    }

    private let pool: DatabasePool
    let maxQueued: Int
    /// Told after each durable commit (the WAL checkpointer).
    private let afterCommit: (@Sendable () -> Void)?
    private let state = Mutex<(queue: [Pending], draining: Bool)>(([], false))
    private let formed = Mutex(GroupCommitBatchSizes(maxBatch: GroupCommit.maxBatch))

    init(pool: DatabasePool, maxQueued: Int, afterCommit: (@Sendable () -> Void)? = nil) {
        self.pool = pool
        self.maxQueued = max(1, maxQueued)
        self.afterCommit = afterCommit
    }

    /// Writes waiting for the next batch (not those being committed now).
    var queuedCount: Int { state.withLock { $0.queue.count } }

    /// The sizes of the transactions committed so far (failed ones are not counted).
    var batchSizes: GroupCommitBatchSizes { formed.withLock { $0 } }

    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (reply: CheckedContinuation<any Sendable, any Error>) in
            let admission = state.withLock { state -> Admission in
                guard state.queue.count < maxQueued else { return .refused }
                state.queue.append(Pending(work: { try work($0) }, reply: reply))
                guard !state.draining else { return .queued }
                state.draining = true
                return .startDrain
            }
            switch admission {
            case .refused:
                reply.resume(throwing: IntakeError.overloaded(
                    "\(maxQueued) writes are already waiting for the database (intake.groupCommitQueueLimit); retry after a backoff"))
            case .queued: break
            case .startDrain: Task { await self.drain() }
            }
        }
        return result as! T
    }

    private enum Admission { case refused, queued, startDrain }

    /// The batch's transaction was rolled back under it: nothing of the batch is stored.
    struct TransactionLost: Error {
        let cause: any Error
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
                let (results, nanoseconds) = try await pool.writeWithoutTransaction { db in
                    let start = DispatchTime.now().uptimeNanoseconds
                    return (try Self.run(batch, db: db), DispatchTime.now().uptimeNanoseconds - start)
                }
                formed.withLock { $0.record(batchOf: batch.count, nanoseconds: nanoseconds) }
                afterCommit?()
                for (item, result) in zip(batch, results) { item.reply.resume(with: result) }
            } catch let lost as TransactionLost {
                let error = IntakeError.unavailable(
                    "the database rolled back the transaction of \(batch.count) writes (\(lost.cause)); nothing of it was stored; retry")
                for item in batch { item.reply.resume(throwing: error) }
            } catch {
                // The commit itself failed: nothing in the batch is durable, so nobody is told otherwise.
                for item in batch { item.reply.resume(throwing: error) }
            }
        }
    }

    /// One transaction, one savepoint per item. After an item fails, the transaction must
    /// still be open: if SQLite closed it, the earlier items were rolled back with it and the
    /// later ones would run outside it, so the batch stops there (`TransactionLost`).
    private static func run(_ batch: [Pending], db: Database) throws -> [Result<any Sendable, any Error>] {
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
                    guard db.isInsideTransaction else { throw TransactionLost(cause: error) }
                    results.append(.failure(error))
                }
            }
            return .commit
        }
        return results
    }
}
