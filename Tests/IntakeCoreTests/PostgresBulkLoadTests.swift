import Foundation
import Testing
@testable import IntakeCore
import IntakePostgresStore
import TownshipTestSupport

extension PostgresDemoDataTests {
    /// PostgreSQL's bulk load (a few statements a batch, hashes and chains computed in memory)
    /// stores what SQLite's does: the same events with the same ids, hashes and positions, over
    /// two batches (the second continues the first's chain); the global chain verifies, and a
    /// submission afterwards links onto the loaded head on both stores alike.
    @Test func bulkLoadStoresWhatSQLiteStoresAndTheChainVerifies() async throws {
        let sqlite = try await demo(.sqlite)
        let postgres = try await demo(.postgres)
        for h in [sqlite, postgres] {
            _ = try await h.store.submit(Fixture.report(village: "V07", grid: nil), by: Fixture.admin, clientRequestID: "after-load")
        }
        let admin = Principal(userID: "a", role: .admin)
        var position: Int64 = 0
        var compared = 0
        while true {
            let (a, b) = (try await sqlite.store.events(after: position, limit: 1_000, for: admin),
                          try await postgres.store.events(after: position, limit: 1_000, for: admin))
            #expect(a == b, "events after \(position)")
            guard let last = a.last else { break }
            position = last.position
            compared += a.count
        }
        #expect(compared > Self.ticketCount)
        let head = try await postgres.store.ledgerHeadPosition()
        #expect(head == Int64(compared))
        // The harness signs checkpoints, so verification wants one.
        let checkpoint = try await postgres.store.writeCheckpoint()!
        #expect(checkpoint.position == head)
        let verification = try await postgres.store.verifyGlobalChain()
        guard case .intact(let events, _) = verification else {
            Issue.record("global chain: \(verification)")
            return
        }
        #expect(events == head)
        for id in stride(from: TicketID(1), through: TicketID(Self.ticketCount + 1), by: 37) {
            #expect(try await postgres.store.verifyLedger(id, for: admin).isIntact)
        }
        #expect(try await sqlite.store.statistics(TicketFilter(), for: admin) == postgres.store.statistics(TicketFilter(), for: admin))
    }
}
