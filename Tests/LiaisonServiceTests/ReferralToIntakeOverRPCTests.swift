import Foundation
import LiaisonCore
import LiaisonService
import Logging
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

/// A difficult item referred to a live intake over mutual TLS (#14): the office's call, the
/// outbox, the referral pass with its idempotency key, intake stopped and restarted, and the
/// ticket's number and status on the item.
@Suite(.serialized) struct ReferralToIntakeOverRPCTests {
    /// A published difficult item (org-3, filed by l-bob) and a published individual one.
    static func publishedItems(_ live: LiveLiaison) async throws -> (difficult: Int64, individual: Int64, unpublished: Int64) {
        let difficult = try await live.file("org-3", by: As.bob, title: "排污管网未接通", type: .difficult)
        let individual = try await live.file("org-1", by: As.alice, title: "招工难")
        live.clock.set(LiveLiaison.start.adding(days: 14))
        _ = try await live.publish("2026-03-1")
        let unpublished = try await live.file("org-3", by: As.bob, title: "道路积水", type: .difficult)
        return (difficult.itemID, individual.itemID, unpublished.itemID)
    }

    static func refer(_ live: LiveLiaison, _ id: Int64, village: String = ReferralIntake.village,
                      as principal: Township_Common_V1_Principal = As.leader) async throws -> Township_Liaison_V1_ProblemItem {
        var request = Township_Liaison_V1_ReferToIntakeRequest()
        request.itemID = id
        request.villageID.value = village
        return try await live.call(M.referToIntake, request, as: principal).item
    }

    static func referrals(_ live: LiveLiaison, intake: ReferralIntake) async throws -> (IntakeReferralService, RPCClient) {
        let client = try await intake.client(LiaisonPKI.shared.liaison)
        let service = IntakeReferralService(store: live.store, client: client, clock: live.clock,
                                            settings: IntakeReferralSettings(callTimeout: .seconds(5), refreshAfterSeconds: 300),
                                            logger: Logger(label: "test.referrals"))
        return (service, client)
    }

    @Test("only the office refers, only a published difficult item, once per item")
    func whoAndWhatIsReferred() async throws {
        let live = try await LiveLiaison()
        do {
            let items = try await Self.publishedItems(live)
            #expect(await refusal { _ = try await Self.refer(live, items.difficult, as: As.social) }?.status == .permissionDenied)
            #expect(await refusal { _ = try await Self.refer(live, items.difficult, as: As.bob) }?.status == .permissionDenied)
            let notDifficult = await refusal { _ = try await Self.refer(live, items.individual) }
            #expect(notDifficult?.status == .failedPrecondition && notDifficult?.reason == "NOT_DIFFICULT")
            let unpublished = await refusal { _ = try await Self.refer(live, items.unpublished) }
            #expect(unpublished?.status == .failedPrecondition && unpublished?.reason == "WRONG_STATE")
            #expect(await refusal { _ = try await Self.refer(live, 999) }?.reason == "ITEM_NOT_FOUND")
            #expect(await refusal { _ = try await Self.refer(live, items.difficult, village: "bad village") }?.status == .invalidArgument)
            #expect(try live.store.pendingReferrals(limit: 10).isEmpty, "refused referrals leave nothing in the outbox")

            let referred = try await Self.refer(live, items.difficult)
            #expect(referred.referral.state == .pending)
            #expect(referred.referral.villageID.value == ReferralIntake.village)
            #expect(referred.referral.requestedBy == "office:u-leader")
            #expect(referred.timeline.last?.kind == .referred)
            // The same referral again changes nothing; another village is refused.
            #expect(try await Self.refer(live, items.difficult) == referred)
            let elsewhere = await refusal { _ = try await Self.refer(live, items.difficult, village: "V2") }
            #expect(elsewhere?.status == .alreadyExists && elsewhere?.reason == "ALREADY_REFERRED")
            let outbox = try live.store.pendingReferrals(limit: 10)
            #expect(outbox.map(\.itemID) == [items.difficult])
            #expect(outbox.first?.idempotencyKey == "enterprise-liaison:item:\(items.difficult)")
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("with intake down the referral waits, and is filed exactly once when intake is back")
    func filedOnceAcrossAnIntakeRestart() async throws {
        let live = try await LiveLiaison()
        let intake = try await ReferralIntake()
        try await intake.start()
        let (referrals, client) = try await Self.referrals(live, intake: intake)
        do {
            let id = try await Self.publishedItems(live).difficult
            await intake.stop()
            _ = try await Self.refer(live, id)

            // Intake is down: the pass fails clearly, the item keeps the referral, nothing is lost.
            #expect(await referrals.pass() == .init(filed: 0, failed: 1, refreshed: 0))
            let waiting = try await live.get(id).referral
            #expect(waiting.state == .pending && waiting.attempts == 1)
            #expect(waiting.lastError.hasPrefix("UNAVAILABLE"))
            #expect(waiting.ticketNumber.isEmpty)
            #expect(try live.store.pendingReferrals(limit: 10).count == 1)

            // Back up. Suppose an earlier attempt had reached intake but its answer was lost:
            // intake filed the ticket, the outbox still holds the referral.
            try await intake.start()
            let pending = try #require(try live.store.pendingReferrals(limit: 10).first)
            let lost = try await client.unary(Township_Intake_V1_Intake.submitTicket.path,
                                              try Township_Intake_V1_SubmitTicketRequest(serializedBytes: pending.request),
                                              as: Township_Intake_V1_TicketActionResponse.self,
                                              options: CallOptions(timeout: .seconds(5), idempotencyKey: pending.idempotencyKey))
            // The pass files it with the same key: intake answers with that same ticket.
            #expect(await referrals.pass() == .init(filed: 1, failed: 0, refreshed: 0))
            let filed = try await live.get(id)
            #expect(filed.referral.state == .submitted)
            #expect(filed.referral.ticketNumber == lost.ticket.number)
            #expect(filed.referral.ticketID == lost.ticket.id)
            #expect(filed.referral.ticketStatus == "TICKET_STATUS_SUBMITTED")
            #expect(filed.referral.attempts == 1)
            #expect(filed.timeline.last?.kind == .ticketCreated)
            #expect(filed.timeline.last?.note.contains(lost.ticket.number) == true)
            // Nothing is left to file; intake holds exactly one ticket, the liaison service's.
            #expect(try live.store.pendingReferrals(limit: 10).isEmpty)
            #expect(await referrals.pass() == .init(filed: 0, failed: 0, refreshed: 0))
            let tickets = try await intake.tickets()
            #expect(tickets.count == 1)
            #expect(tickets.first?.submittedBy.userID.value == LiaisonPKI.identity)
            #expect(tickets.first?.submission.problemDescription.contains("排污管网未接通") == true)

            // The status is read again once it is due, until it is final.
            try await intake.reject(lost.ticket.id.value)
            live.clock.advance(seconds: 299)
            #expect(await referrals.pass().refreshed == 0, "not due yet")
            live.clock.advance(seconds: 2)
            #expect(await referrals.pass().refreshed == 1)
            #expect(try await live.get(id).referral.ticketStatus == "TICKET_STATUS_REJECTED")
            live.clock.advance(seconds: 3600)
            #expect(await referrals.pass().refreshed == 0, "a final status is not read again")
        } catch { await client.shutdown(); await intake.remove(); await live.stop(); throw error }
        await client.shutdown()
        await intake.remove()
        await live.stop()
    }
}
