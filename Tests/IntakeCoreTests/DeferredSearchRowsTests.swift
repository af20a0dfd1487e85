import Foundation
import GRDB
import Testing
@testable import IntakeCore

/// The group commit inserts its new tickets' search rows after the batch's last write, in the
/// same transaction (`DeferredSearchRows`): every acknowledged ticket is searchable once
/// committed, a failed write leaves no row, and a batch whose rows cannot be inserted stores nothing.
@Suite struct DeferredSearchRowsTests {
    func searchRowIDs(_ h: Harness) async throws -> [Int64] {
        try await h.sqlite.pool.read { db in try Int64.fetchAll(db, sql: "SELECT rowid FROM ticket_search ORDER BY rowid") }
    }

    @Test func aBatchIndexesItsTicketsAndNotTheOneThatFailed() async throws {
        let h = try await Harness()
        let hold = await WriterHold(h.sqlite.groupCommit)
        let first = await hold.queue { try await h.submit(Fixture.report("路灯不亮")) }
        let failing = await hold.queue { try await h.submit(Fixture.reportNamingAnUnknownUpload("垃圾没人清")) }
        let last = await hold.queue { try await h.submit(Fixture.report("井盖缺失")) }
        try await hold.letGo()

        let (a, b) = (try await first.value, try await last.value)
        guard case .notFound? = await intakeError({ _ = try await failing.value }) else {
            Issue.record("the submission naming an unknown upload was not refused"); return
        }
        #expect(try await searchRowIDs(h) == [a.ticket.id, b.ticket.id])
        #expect(h.sqlite.groupCommit.searchRows.count == 0)
        var filter = TicketFilter()
        filter.text = "井盖"
        #expect(try await h.store.list(filter, page: PageRequest(limit: 10), for: Fixture.leader).items.map(\.ticket.id) == [b.ticket.id])
    }

    /// The rows are inserted just before COMMIT; if that fails the whole batch fails retryably
    /// and nothing of it is stored, rather than tickets acknowledged without their search rows.
    @Test func aBatchWhoseSearchRowsCannotBeInsertedStoresNothing() async throws {
        let h = try await Harness()
        let hold = await WriterHold(h.sqlite.groupCommit)
        let filed = await hold.queue { try await h.submit(Fixture.report("路灯不亮")) }
        let breaking = await hold.queue { try await h.sqlite.groupCommit.write { db in try db.execute(sql: "DROP TABLE ticket_search") } }
        try await hold.letGo()

        for outcome in [await intakeError({ _ = try await filed.value }), await intakeError({ try await breaking.value })] {
            guard case .unavailable(let why)? = outcome else { Issue.record("expected a retryable unavailable, got \(String(describing: outcome))"); continue }
            #expect(why.contains("nothing of it was stored"))
        }
        let tickets = try await h.sqlite.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket")! }
        #expect(tickets == 0)
        #expect(try await searchRowIDs(h).isEmpty, "the search table is back with the rollback, empty")
        let retried = try await h.submit(Fixture.report("路灯不亮"))
        #expect(try await searchRowIDs(h) == [retried.ticket.id])
    }
}
