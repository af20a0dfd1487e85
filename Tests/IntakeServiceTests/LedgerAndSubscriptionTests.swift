import Foundation
import GRDB
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("Ledger verification and subscriptions over live RPC")
struct LedgerAndSubscriptionTests {
    @Test("VerifyLedger finds an event rewritten directly in the SQLite file")
    func tamperDetection() async throws {
        let live = try await LiveIntake()
        do {
            let id = try await live.submit().ticket.id
            _ = try await live.accept(id)
            _ = try await live.submit("第二件")
            var request = Township_Intake_V1_VerifyLedgerRequest()
            let before = try await live.call(Township_Intake_V1_Intake.verifyLedger, request, as: Fixture.admin)
            #expect(before.intact)
            #expect(before.ticketsChecked == 2 && before.eventsChecked == 3)

            let queue = try DatabaseQueue(path: live.databasePath)
            // An attacker with the file drops the append-only trigger, then rewrites history.
            try await queue.write { db in
                try db.execute(sql: "DROP TRIGGER ledger_event_no_update")
                try db.execute(sql: "UPDATE ledger_event SET note = 'nothing happened' WHERE ticket_id = ? AND sequence = 2",
                               arguments: [Int64(id.value)!])
            }
            try queue.close()

            let after = try await live.call(Township_Intake_V1_Intake.verifyLedger, request, as: Fixture.admin)
            #expect(!after.intact)
            #expect(after.firstBrokenTicketID == id)
            #expect(after.problem.contains("rewritten"))
            request.ticketID = id
            #expect(try await live.call(Township_Intake_V1_Intake.verifyLedger, request, as: Fixture.leader).intact == false)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("a subscriber that reconnects with after_position misses nothing and sees nothing twice")
    func subscriptionResume() async throws {
        let live = try await LiveIntake()
        do {
            _ = try await live.submit("一")
            _ = try await live.submit("二")
            var request = Township_Intake_V1_SubscribeEventsRequest()
            request.afterPosition = 0
            var received: [Int64] = []
            // First connection: take three events (two replayed, one live), then disconnect.
            let firstStream = live.gateway.serverStreaming(Township_Intake_V1_Intake.subscribeEvents.path, request,
                                                           as: Township_Intake_V1_SubscribeEventsResponse.self,
                                                           options: LiveIntake.options(Fixture.leader))
            let writer = Task { try await live.submit("三") }
            for try await message in firstStream {
                #expect(message.event.position == message.position)
                received.append(message.position)
                if received.count == 3 { break }
            }
            _ = try await writer.value
            // While disconnected, more happens.
            _ = try await live.submit("四")
            _ = try await live.submit("五")
            request.afterPosition = received.last!
            let secondStream = live.gateway.serverStreaming(Township_Intake_V1_Intake.subscribeEvents.path, request,
                                                            as: Township_Intake_V1_SubscribeEventsResponse.self,
                                                            options: LiveIntake.options(Fixture.leader))
            for try await message in secondStream {
                received.append(message.position)
                if received.count == 5 { break }
            }
            #expect(received == [1, 2, 3, 4, 5])
            // A position beyond the head is refused.
            request.afterPosition = 1000
            let ahead = await rpcFailure {
                for try await _ in live.gateway.serverStreaming(Township_Intake_V1_Intake.subscribeEvents.path, request,
                                                                 as: Township_Intake_V1_SubscribeEventsResponse.self,
                                                                 options: LiveIntake.options(Fixture.leader)) {}
            }
            #expect(ahead?.reason == "POSITION_AHEAD")
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
