import CanteenCore
import Foundation
import GRDB
import Synchronization

/// Group commit of check-ins: the check-ins waiting when the writer is free are applied in one
/// write transaction, each in its own savepoint (a check-in that fails rolls back alone), and
/// answered after that transaction's one durable commit (WAL, synchronous FULL). At the
/// counter's rush this turns one fsync per meal into one per batch; the rules are unchanged,
/// because the check-ins of a batch are applied one after the other and each sees the ones
/// before it (the once-a-day primary key still decides).
final class CheckInGroupCommit: Sendable {
    /// At most this many check-ins share a commit (bounds the transaction and the wait of the
    /// first of them).
    static let maximumBatch = 256

    private struct Waiting: Sendable {
        var request: CanteenStore.CheckInRequest
        var continuation: CheckedContinuation<CanteenStore.CheckInOutcome, any Error>
    }
    private struct State: Sendable {
        var queue: [Waiting] = []
        var draining = false
    }
    private let state = Mutex(State())

    typealias Apply = @Sendable ([CanteenStore.CheckInRequest]) -> [Result<CanteenStore.CheckInOutcome, any Error>]

    /// Queues `request`; `apply` runs a batch in one transaction and returns one result per
    /// request, in order (the store passes the same function on every call).
    func submit(_ request: CanteenStore.CheckInRequest, limit: Int, apply: @escaping Apply) async throws -> CanteenStore.CheckInOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let startDrain = state.withLock { s -> Bool? in
                guard s.queue.count < limit else { return nil }
                s.queue.append(Waiting(request: request, continuation: continuation))
                if s.draining { return false }
                s.draining = true
                return true
            }
            guard let startDrain else {
                continuation.resume(throwing: CanteenRefusal(
                    .resourceExhausted, "RESOURCE_EXHAUSTED", "\(limit) check-ins are already waiting to be stored; retry shortly"))
                return
            }
            if startDrain { DispatchQueue.global().async { self.drain(apply) } }
        }
    }

    /// Applies batches until the queue is empty; only one drain runs at a time.
    private func drain(_ apply: Apply) {
        while true {
            let batch = state.withLock { s -> [Waiting] in
                let taken = Array(s.queue.prefix(Self.maximumBatch))
                s.queue.removeFirst(taken.count)
                if taken.isEmpty { s.draining = false }
                return taken
            }
            if batch.isEmpty { return }
            let results = apply(batch.map(\.request))
            for (waiting, result) in zip(batch, results) { waiting.continuation.resume(with: result) }
        }
    }
}

extension CanteenStore {
    /// One transaction for a batch of check-ins, a savepoint each. If the commit itself fails,
    /// every check-in of the batch fails (none was stored).
    func applyCheckIns(_ requests: [CheckInRequest]) -> [Result<CheckInOutcome, any Error>] {
        let now = clock.now()
        let day = today
        do {
            return try pool.write { db in
                var results: [Result<CheckInOutcome, any Error>] = []
                for request in requests {
                    var outcome: CheckInOutcome?
                    do {
                        try db.inSavepoint {
                            outcome = try checkIn(request, in: db, now: now, day: day)
                            return .commit
                        }
                        results.append(.success(outcome!))
                    } catch {
                        results.append(.failure(error))
                    }
                }
                return results
            }
        } catch {
            return requests.map { _ in .failure(error) }
        }
    }
}
