import Foundation
import GRDB
@testable import IntakeCore
import Testing
import TownshipProtos

@Suite("A rewritten ledger over live RPC")
struct LedgerRewriteOverRPCTests {
    @Test("VerifyLedger over the whole ledger reports a ticket chain rewritten consistently in SQL")
    func wholeLedgerCatchesARewrite() async throws {
        let live = try await LiveIntake()
        do {
            let other = try await live.submit().ticket.id
            _ = try await live.accept(other)
            let target = try await live.submit().ticket.id
            _ = try await live.accept(target)
            _ = try await live.dispatch(target)
            try await live.store.writeCheckpoint()
            let verify = Township_Intake_V1_VerifyLedgerRequest()
            #expect(try await live.call(Township_Intake_V1_Intake.verifyLedger, verify, as: Fixture.admin).intact)

            // The attacker changes who the ticket was dispatched to and rehashes its whole chain.
            let id = TicketID(target.value)!
            let queue = try DatabaseQueue(path: live.databasePath)
            try await queue.write { db in
                try db.execute(sql: "DROP TRIGGER ledger_event_no_update")
                var previous = LedgerHasher.genesisHash
                for var event in try SQLiteTicketStore.ledger(of: id, db: db) {
                    if event.action == .dispatch { event.details["department"] = "dept-build" }
                    let hash = LedgerHasher.hash(ticketID: id, sequence: event.sequence, draft: event.draft, previousHash: previous)
                    try db.execute(sql: "UPDATE ledger_event SET details = ?, previous_hash = ?, hash = ? WHERE position = ?",
                                   arguments: [RowCoding.detailsJSON(event.details), previous, hash, event.position])
                    previous = hash
                }
                try db.execute(sql: "UPDATE ticket SET ledger_head = ? WHERE id = ?", arguments: [previous, id])
            }
            var single = Township_Intake_V1_VerifyLedgerRequest(); single.ticketID = target
            #expect(try await live.call(Township_Intake_V1_Intake.verifyLedger, single, as: Fixture.admin).intact,
                    "the ticket's own chain is consistent: only the global chain shows the rewrite")
            let whole = try await live.call(Township_Intake_V1_Intake.verifyLedger, verify, as: Fixture.admin)
            #expect(!whole.intact)
            #expect(whole.firstBrokenTicketID == target)
            #expect(whole.problem.contains("global chain broken"), "\(whole.problem)")
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
