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
    /// Whether the WAL checkpointer is copying pages right now (only to attribute COMMIT time in `phases`).
    private let checkpointing: (@Sendable () -> Bool)?
    private let state = Mutex<(queue: [Pending], draining: Bool)>(([], false))
    private let formed = Mutex(GroupCommitBatchSizes(maxBatch: GroupCommit.maxBatch))
    /// The global chain's head as this writer last linked it; writes pass it to the ledger append.
    let chainHead = LedgerChainHead()

    init(pool: DatabasePool, maxQueued: Int, afterCommit: (@Sendable () -> Void)? = nil,
         checkpointing: (@Sendable () -> Bool)? = nil) {
        self.pool = pool
        self.maxQueued = max(1, maxQueued)
        self.afterCommit = afterCommit
        self.checkpointing = checkpointing
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
        var lastTold: UInt64?
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(Self.maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            let taken = DispatchTime.now().uptimeNanoseconds
            do {
                let checkpointing = self.checkpointing
                let chainHead = self.chainHead
                let (results, timing) = try await pool.writeWithoutTransaction { db in
                    try Self.run(batch, db: db, chainHead: chainHead, checkpointing: checkpointing)
                }
                var phases = timing.phases
                phases.handoff = timing.start &- taken
                phases.between = lastTold.map { taken &- $0 } ?? 0
                formed.withLock { $0.record(batchOf: batch.count, nanoseconds: phases.sql + phases.commit, phases: phases) }
                afterCommit?()
                for (item, result) in zip(batch, results) { item.reply.resume(with: result) }
                let told = DispatchTime.now().uptimeNanoseconds
                formed.withLock { $0.recordHandBack(told &- timing.end) }
                lastTold = told
            } catch let lost as TransactionLost {
                let error = IntakeError.unavailable(
                    "the database rolled back the transaction of \(batch.count) writes (\(lost.cause)); nothing of it was stored; retry")
                for item in batch { item.reply.resume(throwing: error) }
                lastTold = nil
            } catch {
                // The commit itself failed: nothing in the batch is durable, so nobody is told otherwise.
                for item in batch { item.reply.resume(throwing: error) }
                lastTold = nil
            }
        }
    }

    /// When a batch's transaction ran on the writer thread, and its phases (see `GroupCommitPhases`).
    private struct BatchTiming {
        var start: UInt64
        var end: UInt64
        var phases: GroupCommitPhases
    }

    /// One transaction, one savepoint per item. After an item fails, the transaction must
    /// still be open: if SQLite closed it, the earlier items were rolled back with it and the
    /// later ones would run outside it, so the batch stops there (`TransactionLost`).
    /// The cached chain head follows the savepoints: restored when one rolls back, forgotten
    /// when the transaction is lost or its commit fails.
    private static func run(_ batch: [Pending], db: Database, chainHead: LedgerChainHead,
                            checkpointing: (@Sendable () -> Bool)?) throws -> ([Result<any Sendable, any Error>], BatchTiming) {
        let start = DispatchTime.now().uptimeNanoseconds
        let scheduleAtStart = ThreadSchedule.now()
        var sqlDone = start
        var scheduleAtCommit = scheduleAtStart
        var besideCheckpoint = false
        var results: [Result<any Sendable, any Error>] = []
        do {
            try db.inTransaction {
                for item in batch {
                    var value: (any Sendable)?
                    let headBefore = chainHead.current
                    do {
                        try db.inSavepoint {
                            value = try item.work(db)
                            return .commit
                        }
                        results.append(.success(value!))
                    } catch {
                        chainHead.current = headBefore
                        guard db.isInsideTransaction else { throw TransactionLost(cause: error) }
                        results.append(.failure(error))
                    }
                }
                sqlDone = DispatchTime.now().uptimeNanoseconds
                scheduleAtCommit = ThreadSchedule.now()
                besideCheckpoint = checkpointing?() ?? false
                return .commit
            }
        } catch {
            chainHead.current = nil
            throw error
        }
        let end = DispatchTime.now().uptimeNanoseconds
        let scheduleAtEnd = ThreadSchedule.now()
        besideCheckpoint = besideCheckpoint || (checkpointing?() ?? false)
        var phases = GroupCommitPhases()
        phases.sql = sqlDone &- start
        phases.commit = end &- sqlDone
        phases.sqlCPU = scheduleAtCommit.cpu &- scheduleAtStart.cpu
        phases.commitCPU = scheduleAtEnd.cpu &- scheduleAtCommit.cpu
        phases.runQueue = scheduleAtEnd.runQueue &- scheduleAtStart.runQueue
        if besideCheckpoint {
            phases.commitsBesideCheckpoint = 1
            phases.commitBesideCheckpoint = phases.commit
        }
        return (results, BatchTiming(start: start, end: end, phases: phases))
    }
}
