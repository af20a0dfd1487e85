import Foundation
import GRDB
import Synchronization
import Testing
@testable import IntakeCore

/// Concurrent writes share transactions (GroupCommit); each must still succeed or fail alone.
@Suite struct GroupCommitTests {
    @Test(arguments: StoreKind.allCases) func concurrentWritesSucceedOrFailAloneAndNumbersHaveNoGaps(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let target = try await h.ticket(in: .accepted)
        // 60 submissions, 20 illegal moves (a department signing a ticket never dispatched to
        // it) and 20 legal-then-illegal pairs race into the same batches.
        let outcomes = try await withThrowingTaskGroup(of: (kind: String, ok: Bool).self) { group in
            for i in 0..<60 {
                group.addTask { _ = try await h.store.submit(Fixture.report("路灯不亮 \(i)"), by: Fixture.admin, clientRequestID: "r-\(i % 50)"); return ("submit", true) }
            }
            for _ in 0..<20 {
                group.addTask {
                    do { try await h.act(.sign, target, by: Fixture.socialStaff); return ("illegal", true) } catch { return ("illegal", false) }
                }
            }
            var outcomes: [(kind: String, ok: Bool)] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.filter { $0.kind == "submit" }.allSatisfy { $0.ok })
        #expect(outcomes.filter { $0.kind == "illegal" }.allSatisfy { !$0.ok }, "every illegal move refused on its own")
        // 50 distinct request ids: the 10 repeats found the first attempt's ticket, even in the same batch.
        let stats = try await h.store.statistics(TicketFilter(), for: Fixture.leader)
        #expect(stats.total == 1 + 50)
        let numbers = try await h.store.list(TicketFilter(), page: PageRequest(limit: 100), for: Fixture.leader).items.map(\.ticket.number)
        #expect(Set(numbers) == Set((1...51).map { String(format: "2026-%06d", $0) }), "no gaps from rolled-back savepoints: \(numbers.sorted())")
        // The refused moves left nothing behind: the target's ledger holds submit + accept only.
        let detail = try await h.store.ticket(target, for: Fixture.leader)
        #expect(detail.timeline.count == 2 && detail.view.ticket.status == .accepted)
        #expect(try await h.store.verifyLedger(target, for: Fixture.leader).isIntact)
    }

    struct Refused: Error {}

    /// A write that fails after writing leaves nothing: its savepoint is rolled back while the
    /// writes batched with it commit.
    @Test func aFailedWriteIsRolledBackAloneInsideItsBatch() async throws {
        let h = try await Harness()
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for year in 3000..<3040 {
                group.addTask {
                    do {
                        try await h.sqlite.groupCommit.write { db in
                            try db.execute(sql: "INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('t', ?, 1)", arguments: [year])
                            if year % 2 == 1 { throw Refused() }
                        }
                        return (year, true)
                    } catch { return (year, false) }
                }
            }
            var results: [(Int, Bool)] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.allSatisfy { $0.1 == ($0.0 % 2 == 0) })
        let kept = try await h.sqlite.pool.read { db in try Int.fetchAll(db, sql: "SELECT year FROM ticket_number_counter WHERE township = 't' ORDER BY year") }
        #expect(kept == Array(stride(from: 3000, to: 3040, by: 2)))
    }

    final class RunCount: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    /// A batch runs its writes without savepoints; one failing makes the whole batch run again
    /// with a savepoint per write (so the others commit once, and the failed one leaves
    /// nothing), and the next batches start with savepoints.
    @Test func aFailedWriteRunsItsBatchAgainWithSavepointsAndSoStartTheNextBatches() async throws {
        let h = try await Harness()
        let commit = h.sqlite.groupCommit
        #expect(commit.isolatedBatchesPending == 0)
        let runs = [RunCount(), RunCount(), RunCount()]
        @Sendable func insert(_ year: Int, failing: Bool, runs: RunCount) -> @Sendable (Database) throws -> Void {
            { db in
                runs.add()
                try db.execute(sql: "INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('t', ?, 1)", arguments: [year])
                if failing { throw Refused() }
            }
        }
        let hold = await WriterHold(commit)
        let first = await hold.queue { try await commit.write(insert(3000, failing: false, runs: runs[0])) }
        let failing = await hold.queue { try await commit.write(insert(3001, failing: true, runs: runs[1])) }
        let last = await hold.queue { try await commit.write(insert(3002, failing: false, runs: runs[2])) }
        try await hold.letGo()

        try await first.value
        await #expect(throws: Refused.self) { try await failing.value }
        try await last.value
        // First pass: the first write, then the failing one (the last never ran); second pass: all three.
        #expect(runs.map(\.count) == [2, 2, 1])
        let kept = try await h.sqlite.pool.read { db in try Int.fetchAll(db, sql: "SELECT year FROM ticket_number_counter WHERE township = 't' ORDER BY year") }
        #expect(kept == [3000, 3002])
        #expect(commit.isolatedBatchesPending == GroupCommit.isolatedBatchesAfterAFailure)

        // The next batch starts isolated: it runs once, and counts one of those batches down.
        let next = RunCount()
        try await commit.write(insert(3003, failing: false, runs: next))
        #expect(next.count == 1)
        #expect(commit.isolatedBatchesPending == GroupCommit.isolatedBatchesAfterAFailure - 1)
    }
}
