import Foundation
import IntakeCore
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("Workflow over live RPC")
struct WorkflowOverRPCTests {
    @Test("every legal transition, department path with return and reopen, village path, duplicate, reject")
    func legalTransitions() async throws {
        let live = try await LiveIntake()
        do {
            let submitted = try await live.submit()
            #expect(submitted.ticket.status == .submitted)
            #expect(submitted.event.action == .submit)
            let id = submitted.ticket.id
            #expect(try await live.accept(id).ticket.status == .accepted)
            #expect(try await live.dispatch(id).ticket.status == .dispatched)
            #expect(try await live.returnTicket(id).ticket.status == .accepted)
            #expect(try await live.dispatch(id).ticket.status == .dispatched)
            let signed = try await live.sign(id)
            #expect(signed.ticket.status == .signed)
            #expect(signed.ticket.deadline.hasDueAt)
            #expect(try await live.startHandling(id).ticket.status == .inProgress)
            #expect(try await live.reply(id).ticket.status == .replied)
            let reopened = try await live.followUp(id, satisfied: false)
            #expect(reopened.ticket.status == .inProgress)
            #expect(reopened.ticket.reopenCount == 1)
            _ = try await live.reply(id)
            #expect(try await live.followUp(id, satisfied: true).ticket.status == .followedUp)
            let closed = try await live.close(id)
            #expect(closed.ticket.status == .closed)
            #expect(closed.ticket.outcome == .fixed)
            #expect(closed.event.action == .close)
            #expect(closed.ticket.version == 12)

            let village = try await live.submit("路灯坏了").ticket.id
            _ = try await live.accept(village)
            #expect(try await live.resolveAtVillage(village).ticket.status == .inProgress)
            #expect(try await live.reply(village, by: Fixture.workerA).ticket.status == .replied)

            let original = try await live.submit("垃圾没人清运").ticket.id
            let copy = try await live.submit("垃圾没人清运 again").ticket.id
            let linked = try await live.markDuplicate(copy, of: original)
            #expect(linked.ticket.status == .duplicate)
            #expect(linked.ticket.duplicateOf == original)

            let spam = try await live.submit("广告").ticket.id
            #expect(try await live.reject(spam).ticket.status == .rejected)

            let detail = try await live.getTicket(id)
            let expected: [Township_Intake_V1_Action] = [.submit, .accept, .dispatch, .returnToTriage, .dispatch, .sign, .startHandling,
                                                         .reply, .followUp, .reply, .followUp, .close]
            #expect(detail.timeline.map(\.action) == expected)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("illegal moves fail with FAILED_PRECONDITION / INVALID_TRANSITION and change nothing")
    func illegalTransitions() async throws {
        let live = try await LiveIntake()
        do {
            let submitted = try await live.submit().ticket.id
            let closed = try await live.submit("已办结").ticket.id
            _ = try await live.reject(closed)
            let cases: [(String, Township_Common_V1_TicketId, () async throws -> Void)] = [
                ("sign a submitted ticket", submitted, { _ = try await live.sign(submitted, by: Fixture.admin) }),
                ("start handling a submitted ticket", submitted, { _ = try await live.startHandling(submitted, by: Fixture.admin) }),
                ("reply to a submitted ticket", submitted, { _ = try await live.reply(submitted, by: Fixture.admin) }),
                ("follow up a submitted ticket", submitted, { _ = try await live.followUp(submitted, satisfied: true) }),
                ("close a submitted ticket", submitted, { _ = try await live.close(submitted) }),
                ("dispatch a submitted ticket", submitted, { _ = try await live.dispatch(submitted) }),
                ("accept a rejected ticket", closed, { _ = try await live.accept(closed) }),
                ("reject a rejected ticket", closed, { _ = try await live.reject(closed) }),
                ("close a rejected ticket", closed, { _ = try await live.close(closed) }),
            ]
            for (name, id, attempt) in cases {
                let before = try await live.getTicket(id).ticket
                let failure = await rpcFailure(attempt)
                #expect(failure?.status == .failedPrecondition, "\(name)")
                #expect(failure?.reason == "INVALID_TRANSITION", "\(name)")
                #expect(failure?.message.contains("illegal transition") == true, "\(name): \(failure?.message ?? "-")")
                let after = try await live.getTicket(id).ticket
                #expect(after.version == before.version && after.status == before.status, "\(name) changed the ticket")
            }
            // An id breaking ids.proto's rules is INVALID_ARGUMENT with a field violation; a
            // well-formed id naming nothing is NOT_FOUND, whatever its shape (ids are opaque).
            for malformed in ["bad id!", String(repeating: "7", count: 65), "票1"] {
                var bad = Township_Intake_V1_AcceptTicketRequest()
                bad.ticketID.value = malformed
                bad.classification.categoryID.value = "pension"
                let invalid = await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.acceptTicket, bad, as: Fixture.admin) }
                #expect(invalid?.status == .invalidArgument, "\(malformed)")
            }
            for opaque in ["not-a-number", "0", "-1", "T:2026.7", "007"] {
                var unknown = Township_Intake_V1_AcceptTicketRequest()
                unknown.ticketID.value = opaque
                unknown.classification.categoryID.value = "pension"
                let failure = await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.acceptTicket, unknown, as: Fixture.admin) }
                #expect(failure?.status == .notFound && failure?.reason == "TICKET_NOT_FOUND", "\(opaque): \(String(describing: failure))")
            }
            var missing = Township_Common_V1_TicketId(); missing.value = "999999"
            #expect(await rpcFailure { _ = try await live.accept(missing) }?.status == .notFound)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("a retried submission with the same client_request_id returns the first ticket")
    func idempotentSubmission() async throws {
        let live = try await LiveIntake()
        do {
            let first = try await live.submit(requestID: "req-1")
            let retry = try await live.submit(requestID: "req-1")
            #expect(first.ticket.id == retry.ticket.id)
            let other = try await live.submit(requestID: "req-2")
            #expect(other.ticket.id != first.ticket.id)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("deadlines: reminder, overdue and escalation recorded by the scheduler are visible through the API")
    func deadlinesThroughAPI() async throws {
        let live = try await LiveIntake()
        do {
            let id = try await live.submit().ticket.id
            let accepted = try await live.accept(id)
            let due = accepted.ticket.deadline.dueAt.date
            #expect(due > live.clock.now())
            let scheduler = DeadlineScheduler(store: live.store, clock: live.clock)
            live.clock.set(due.addingTimeInterval(-3600))
            _ = try await scheduler.runOnce()
            var ticket = try await live.getTicket(id)
            #expect(ticket.timeline.contains { $0.action == .remind })
            #expect(ticket.ticket.deadline.overdue == false)
            live.clock.set(due.addingTimeInterval(73 * 3600))
            _ = try await scheduler.runOnce()
            ticket = try await live.getTicket(id)
            #expect(ticket.ticket.deadline.overdue)
            #expect(ticket.ticket.deadline.escalated)
            #expect(ticket.timeline.contains { $0.action == .escalate })
            // Listing overdue tickets through the API finds it.
            var list = Township_Intake_V1_ListTicketsRequest()
            list.filter.overdue = true
            let overdue = try await live.call(Township_Intake_V1_Intake.listTickets, list, as: Fixture.leader)
            #expect(overdue.tickets.map(\.id) == [id])
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
