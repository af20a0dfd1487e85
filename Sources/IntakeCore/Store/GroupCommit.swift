import Dispatch
import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being made durable wait for the
/// next one, which carries all of them and costs one fsync. Every write still replies only
/// after the commit that holds it is durable; a write that fails fails alone. With
/// `synchronous = FULL` the fsync, not the SQL, bounds a single-writer database; batching is
/// what lets acknowledged submissions scale with the number of clients.
///
/// A batch first runs its writes one after the other with no savepoint between them: a
/// savepoint per write cost a quarter of the writer's CPU in 256-write batches (profiled), most
/// of it SQLite's FTS5 writing its pending terms out at every SAVEPOINT (one index segment per
/// ticket instead of one per batch), the rest the two statements and the pages' undo copies. If one of them
/// fails, that transaction is rolled back whole and the batch runs again with each write in
/// its own savepoint, so the failed one is rolled back alone; so do the next
/// `isolatedBatchesAfterAFailure` batches, so a stream of failing writes costs at most one
/// extra pass per that many batches. Writes must therefore be safe to run twice: they act only
/// through the database and the chain head, which is put back with the rollback.
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
    /// After a batch had to run again with savepoints, this many batches start with them.
    static let isolatedBatchesAfterAFailure = 8

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
    /// New tickets' search rows, inserted after the batch's writes (see `DeferredSearchRows`).
    let searchRows = DeferredSearchRows()
    /// Batches still to start with one savepoint per write (see the type's comment).
    private let isolatedBatchesLeft = Mutex(0)
    /// Run once per batch after its writes, in its transaction (the idempotency keys' pruning):
    /// off every single write's path. A failure of it is left for the next batch to retry.
    private let housekeeping: (@Sendable (Database) throws -> Void)?

    init(pool: DatabasePool, maxQueued: Int, afterCommit: (@Sendable () -> Void)? = nil,
         checkpointing: (@Sendable () -> Bool)? = nil, housekeeping: (@Sendable (Database) throws -> Void)? = nil) {
        self.pool = pool
        self.maxQueued = max(1, maxQueued)
        self.afterCommit = afterCommit
        self.checkpointing = checkpointing
        self.housekeeping = housekeeping
    }

    /// Writes waiting for the next batch (not those being committed now).
    var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Batches that will still start with one savepoint per write (after a write failed).
    var isolatedBatchesPending: Int { isolatedBatchesLeft.withLock { $0 } }

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
            let isolated = isolatedBatchesLeft.withLock { left in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
            do {
                let checkpointing = self.checkpointing
                let housekeeping = self.housekeeping
                let chainHead = self.chainHead
                let searchRows = self.searchRows
                let (results, timing) = try await pool.writeWithoutTransaction { db in
                    try Self.run(batch, isolated: isolated, db: db, chainHead: chainHead, searchRows: searchRows,
                                 housekeeping: housekeeping, checkpointing: checkpointing)
                }
                if timing.ranAgain { isolatedBatchesLeft.withLock { $0 = Self.isolatedBatchesAfterAFailure } }
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
        /// A write failed without savepoints, so the batch ran again with them.
        var ranAgain: Bool
    }

    /// One transaction for the batch. Without `isolated`, its items run back to back; the first
    /// that fails rolls the transaction back and the batch runs again isolated: one savepoint
    /// per item. After an item fails, the transaction must still be open: if SQLite closed it,
    /// the earlier items were rolled back with it and the later ones would run outside it, so
    /// the batch stops there (`TransactionLost`). The cached chain head and the held search rows
    /// follow the rollbacks: restored when a savepoint or the first pass rolls back, forgotten
    /// when the transaction is lost or its commit fails. The search rows are inserted after the
    /// last write; if that fails, the whole batch fails (`TransactionLost`): no ticket is
    /// acknowledged without its search row.
    private static func run(_ batch: [Pending], isolated startIsolated: Bool, db: Database, chainHead: LedgerChainHead,
                            searchRows: DeferredSearchRows, housekeeping: (@Sendable (Database) throws -> Void)?,
                            checkpointing: (@Sendable () -> Bool)?) throws -> ([Result<any Sendable, any Error>], BatchTiming) {
        let start = DispatchTime.now().uptimeNanoseconds
        let scheduleAtStart = ThreadSchedule.now()
        var sqlDone = start
        var scheduleAtCommit = scheduleAtStart
        var besideCheckpoint = false
        var results: [Result<any Sendable, any Error>] = []
        var isolated = startIsolated
        var ranAgain = false
        do {
            while true {
                let headAtStart = chainHead.current
                var failedUnisolated = false
                searchRows.removeAll()
                try db.inTransaction {
                    results = []
                    results.reserveCapacity(batch.count)
                    if isolated {
                        try runIsolated(batch, db: db, chainHead: chainHead, searchRows: searchRows, into: &results)
                    } else {
                        for item in batch {
                            do {
                                results.append(.success(try item.work(db)))
                            } catch {
                                guard db.isInsideTransaction else { throw TransactionLost(cause: error) }
                                failedUnisolated = true
                                return .rollback
                            }
                        }
                    }
                    do { try searchRows.insertAll(db) } catch { throw TransactionLost(cause: error) }
                    if let housekeeping {
                        do { try housekeeping(db) } catch {
                            guard db.isInsideTransaction else { throw TransactionLost(cause: error) }
                        }
                    }
                    sqlDone = DispatchTime.now().uptimeNanoseconds
                    scheduleAtCommit = ThreadSchedule.now()
                    besideCheckpoint = checkpointing?() ?? false
                    return .commit
                }
                guard failedUnisolated else { break }
                chainHead.current = headAtStart
                isolated = true
                ranAgain = true
            }
        } catch {
            chainHead.current = nil
            searchRows.removeAll()
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
        return (results, BatchTiming(start: start, end: end, phases: phases, ranAgain: ranAgain))
    }

    /// Each item in its own savepoint: one that fails is rolled back alone.
    private static func runIsolated(_ batch: [Pending], db: Database, chainHead: LedgerChainHead, searchRows: DeferredSearchRows,
                                    into results: inout [Result<any Sendable, any Error>]) throws {
        for item in batch {
            var value: (any Sendable)?
            let headBefore = chainHead.current
            let searchRowsBefore = searchRows.count
            do {
                try db.inSavepoint {
                    value = try item.work(db)
                    return .commit
                }
                results.append(.success(value!))
            } catch {
                chainHead.current = headBefore
                searchRows.keepFirst(searchRowsBefore)
                guard db.isInsideTransaction else { throw TransactionLost(cause: error) }
                results.append(.failure(error))
            }
        }
    }
}
