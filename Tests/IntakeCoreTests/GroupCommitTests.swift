import Foundation
import GRDB
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
}
