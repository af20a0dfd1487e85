import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing
@testable import IntakeCore

/// The group commit's batch sizes, as benchmarks read them (`groupCommitBatchSizes`).
@Suite struct GroupCommitBatchSizeTests {
    /// Writes queued behind a held writer go into one transaction, and the snapshot says so:
    /// one batch of 1 (the holder), one of 10 (the nine that succeed and the one that fails alone).
    @Test func writesQueuedBehindABusyWriterAreCountedAsOneBatch() async throws {
        let h = try await Harness()
        let before = h.sqlite.groupCommitBatchSizes
        let release = DispatchSemaphore(value: 0)
        let entered = Flag()
        let holder = Task {
            try await h.sqlite.groupCommit.write { db in
                entered.raise()
                release.wait()
                try db.execute(sql: "INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('held', 1, 1)")
            }
        }
        // The holder is inside the writer's transaction: whatever comes now waits for the next batch.
        while !entered.isRaised { await Task.yield() }
        let queued = (0..<10).map { i in
            Task { () -> Bool in
                do {
                    try await h.sqlite.groupCommit.write { db in
                        try db.execute(sql: "INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('queued', ?, 1)", arguments: [i])
                        if i == 3 { throw GroupCommitTests.Refused() }
                    }
                    return true
                } catch { return false }
            }
        }
        while h.sqlite.groupCommit.queuedCount < 10 { await Task.yield() }
        release.signal()
        try await holder.value
        var succeeded = 0
        for task in queued where await task.value { succeeded += 1 }
        #expect(succeeded == 9)

        let formed = h.sqlite.groupCommitBatchSizes.since(before)
        #expect(formed.transactions[1] == 1 && formed.transactions[10] == 1)
        #expect(formed.batchCount == 2 && formed.writeCount == 11)
        #expect(formed.writerNanoseconds > 0, "the held batch alone took the writer for a while")
        // The phases: the holder's wait is SQL time; the queued batch was taken right after the holder's was told.
        #expect(formed.phases.sql > 0 && formed.phases.commit > 0 && formed.phases.between > 0)
        #expect(formed.phases.sql + formed.phases.commit == formed.writerNanoseconds)
        #if os(Linux)
        #expect(formed.phases.sqlCPU > 0, "the writer thread's CPU comes from its schedstat")
        #endif
    }

    /// A COMMIT made while the checkpointer copies pages is counted apart (the benchmark's evidence of contention).
    @Test func commitsBesideACheckpointAreCountedApart() async throws {
        let h = try await Harness()
        let copying = Flag()
        let commit = GroupCommit(pool: h.sqlite.pool, maxQueued: 8, checkpointing: { copying.isRaised })
        try await commit.write { db in try db.execute(sql: "INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('a', 1, 1)") }
        copying.raise()
        try await commit.write { db in try db.execute(sql: "INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('b', 1, 1)") }
        let phases = commit.batchSizes.phases
        #expect(phases.commitsBesideCheckpoint == 1)
        #expect(phases.commitBesideCheckpoint > 0 && phases.commitBesideCheckpoint < phases.commit)
    }

    @Test func bucketsArePowersOfTwoUpToTheLargestBatchAlone() {
        var sizes = GroupCommitBatchSizes(maxBatch: 256)
        for size in [1, 2, 3, 4, 7, 8, 255, 256, 256] { sizes.record(batchOf: size, nanoseconds: 1_000) }
        let buckets = sizes.buckets
        #expect(buckets.map(\.sizes) == [1...1, 2...3, 4...7, 8...15, 16...31, 32...63, 64...127, 128...255, 256...256])
        #expect(buckets.map(\.batches) == [1, 2, 2, 1, 0, 0, 0, 1, 2])
        #expect(buckets.map(\.writes) == [1, 5, 11, 8, 0, 0, 0, 255, 512])
        #expect(sizes.batchCount == 9 && sizes.writeCount == 1 + 5 + 11 + 8 + 255 + 512)
        #expect(sizes.writerNanoseconds == 9_000)
        #expect(sizes.since(sizes).batchCount == 0 && sizes.since(sizes).writerNanoseconds == 0)
    }

    /// Set from the writer's thread, read by the test's task.
    final class Flag: Sendable {
        private let raised = Atomic<Bool>(false)
        func raise() { raised.store(true, ordering: .releasing) }
        var isRaised: Bool { raised.load(ordering: .acquiring) }
    }
}
