import Foundation
import Testing
@testable import IntakeCore

/// Which side of the running tickets the overdue figures are counted from when no side is
/// forced (the brute-force test compares the figures of both sides).
@Suite struct OverdueCountTests {
    /// The not-yet-due side is read while it is at most half the running tickets, and given up
    /// for the overdue side once it passes half; the figures are the same either way.
    @Test func theAutomaticSideIsTheSmaller() async throws {
        let h = try await Harness(.sqlite)
        for category in ["pension", "illegal-building", "pension"] { _ = try await h.ticket(in: .accepted, category: category) }
        _ = try await h.ticket(in: .inProgress)
        _ = try await h.ticket(in: .rejected)
        // Nothing is due: 4 of 4 running tickets are not yet due, so the overdue side (0) is read.
        #expect(try await countedSide(h) == .overdue)
        #expect(try await overdue(h) == 0)
        h.clock.advance(by: 60 * 86_400)
        #expect(try await countedSide(h) == .notYetDue)
        #expect(try await overdue(h) == 4)
        // 4 overdue and 4 not yet due: exactly half, still the not-yet-due side.
        for _ in 0..<4 { _ = try await h.ticket(in: .dispatched) }
        #expect(try await countedSide(h) == .notYetDue)
        #expect(try await overdue(h) == 4)
        // 5 of 9 not yet due: past half, so the overdue side.
        _ = try await h.ticket(in: .signed)
        #expect(try await countedSide(h) == .overdue)
        #expect(try await overdue(h) == 4)
    }

    private func overdue(_ h: Harness) async throws -> Int {
        try await h.store.statistics(TicketFilter(), for: Fixture.leader).overdueCount
    }

    private func countedSide(_ h: Harness) async throws -> OverdueCountingSide? {
        let now = h.clock.now()
        let condition = try TicketQueryCondition(filter: TicketFilter(), scope: VisibilityScope(for: Fixture.leader), now: now)
        return try await h.sqlite.pool.read { db in
            var sums = FigureSums()
            let running = try SQLiteTicketStore.sumCells(condition, into: &sums, db: db)
            return try OverdueCount(condition: condition, now: now, side: nil).add(running: running, into: &sums, db: db)
        }
    }
}
