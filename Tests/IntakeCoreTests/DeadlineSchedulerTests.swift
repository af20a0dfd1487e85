import Foundation
import Synchronization
import Testing
@testable import IntakeCore

@Suite struct DeadlineSchedulerTests {
    /// Collects what the scheduler hands out.
    final class Inbox: Sendable {
        let notices = Mutex<[DeadlineNotice]>([])
        var all: [DeadlineNotice] { notices.withLock { $0 } }
        func add(_ n: DeadlineNotice) { notices.withLock { $0.append(n) } }
    }

    func scheduler(_ h: Harness, _ inbox: Inbox) -> DeadlineScheduler {
        DeadlineScheduler(store: h.store, clock: h.clock, policy: h.store.configuration.reminderPolicy) { inbox.add($0) }
    }

    @Test(arguments: StoreKind.allCases) func remindersOverdueAndEscalationInOrder(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let inbox = Inbox()
        let s = scheduler(h, inbox)
        // Monday 10:00, enquiry: due end of Thursday (Mar 5 24:00 = Mar 6 00:00).
        let id = try await h.ticket(in: .accepted, category: "pension")
        #expect(try await s.runOnce().isEmpty)
        h.clock.set(Fixture.at(2026, 3, 5, 0, 0))  // 24 h before
        #expect(try await s.runOnce().map(\.kind) == [.reminder(secondsBefore: 86400)])
        #expect(try await s.runOnce().isEmpty, "nothing twice")
        h.clock.set(Fixture.at(2026, 3, 5, 22, 30))
        #expect(try await s.runOnce().map(\.kind) == [.reminder(secondsBefore: 7200)])
        h.clock.set(Fixture.at(2026, 3, 6, 0, 0))
        let overdue = try await s.runOnce()
        #expect(overdue.map(\.kind) == [.overdue, .escalation(level: 1)])
        #expect(overdue.last?.notifyLeaders == true && overdue.last?.ownerUserID == "gw-a")
        let page = try await h.store.list(TicketFilter(onlyOverdue: true), page: PageRequest(), for: Fixture.leader)
        #expect(page.items.map(\.ticket.id) == [id])
        #expect(page.items.first?.ticket.escalationLevel == 1)
        h.clock.set(Fixture.at(2026, 3, 9, 0, 0))  // +72 h
        #expect(try await s.runOnce().map(\.kind) == [.escalation(level: 2)])
        h.clock.advance(by: 30 * 86400)
        #expect(try await s.runOnce().isEmpty)
        #expect(inbox.all.count == 5)
        let timeline = try await h.store.timeline(id, for: Fixture.leader)
        #expect(timeline.filter { $0.action == .remind }.count == 2)
        #expect(timeline.filter { $0.action == .escalate }.count == 2)
        #expect(try await h.store.verifyLedger(id, for: Fixture.leader).isIntact)
    }

    @Test(arguments: StoreKind.allCases) func urgentIsDueTheSameDay(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .accepted, category: "safety-hazard")
        let t = try await h.store.ticket(id, for: Fixture.admin).view.ticket
        #expect(t.dueAt == Fixture.at(2026, 3, 3))
        let inbox = Inbox()
        let s = scheduler(h, inbox)
        // Accepted at 10:00: the 24 h reminder was already past, so only the 2 h one comes.
        #expect(try await s.runOnce().isEmpty)
        h.clock.set(Fixture.at(2026, 3, 2, 22, 0))
        #expect(try await s.runOnce().map(\.kind) == [.reminder(secondsBefore: 7200)])
    }

    @Test(arguments: StoreKind.allCases) func weekendAndHolidayDeadlines(_ kind: StoreKind) async throws {
        // Reported Wednesday 30 Sep; Oct 1–2 holidays, 3–4 weekend: 3 working days end Thursday Oct 8.
        let h = try await Harness(kind, start: Fixture.at(2026, 9, 30, 9))
        let id = try await h.ticket(in: .accepted, category: "pension")
        #expect(try await h.store.ticket(id, for: Fixture.admin).view.ticket.dueAt == Fixture.at(2026, 10, 8))
        h.clock.set(Fixture.at(2026, 10, 7, 23, 59))
        #expect(try await h.store.statistics(TicketFilter(), for: Fixture.leader).overdueCount == 0)
        h.clock.set(Fixture.at(2026, 10, 8, 0, 0))
        #expect(try await h.store.statistics(TicketFilter(), for: Fixture.leader).overdueCount == 1)
    }

    @Test(arguments: StoreKind.allCases) func restartDoesNotReEmit(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .accepted, category: "pension")
        h.clock.set(Fixture.at(2026, 3, 6, 1, 0))
        let first = Inbox()
        #expect(try await scheduler(h, first).runOnce().map(\.kind) == [.overdue, .escalation(level: 1)])
        // A new process: new store on the same file, new scheduler.
        let restarted = try await h.reopened()
        let second = Inbox()
        #expect(try await scheduler(restarted, second).runOnce().isEmpty)
        restarted.clock.set(Fixture.at(2026, 3, 9, 1, 0))
        #expect(try await scheduler(restarted, second).runOnce().map(\.kind) == [.escalation(level: 2)])
        #expect(second.all.map(\.ticketID) == [id])
    }

    @Test(arguments: StoreKind.allCases) func replyStopsTheClockAndReopeningRestartsIt(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let id = try await h.ticket(in: .inProgress, category: "pension", viaVillage: true)
        try await h.act(.reply(outcome: .fixed, result: "已处理"), id, by: Fixture.workerA)
        h.clock.set(Fixture.at(2026, 3, 20))
        let inbox = Inbox()
        #expect(try await scheduler(h, inbox).runOnce().isEmpty, "a replied ticket is not overdue")
        let reopened = try await h.act(.followUp(satisfied: false, comment: nil), id, by: Fixture.workerA)
        #expect(reopened.ticket.dueAt == Fixture.at(2026, 3, 26), "Fri 20 + 3 working days → end of Wed 25")
        h.clock.set(Fixture.at(2026, 3, 26))
        #expect(try await scheduler(h, inbox).runOnce().map(\.kind) == [.overdue, .escalation(level: 1)])
    }

    @Test(arguments: StoreKind.allCases) func runLoopStopsOnCancellation(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        _ = try await h.ticket(in: .accepted, category: "pension")
        h.clock.set(Fixture.at(2026, 3, 6, 1))
        let inbox = Inbox()
        // Each notice is announced as it is handed out: the test waits for the event, not a time.
        let (handed, announce) = AsyncStream<Void>.makeStream()
        let s = DeadlineScheduler(store: h.store, clock: h.clock, interval: 60) { inbox.add($0); announce.yield() }
        let task = Task { await s.run() }
        var count = 0
        for await _ in handed { count += 1; if count == 2 { break } }
        // The loop now waits for the manual clock, which no one moves: cancellation must end it.
        task.cancel()
        await task.value
        #expect(inbox.all.map(\.kind) == [.overdue, .escalation(level: 1)])
    }

    @Test(arguments: StoreKind.allCases) func theLoopWakesWhenTheClockReachesTheNextPass(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        _ = try await h.ticket(in: .accepted, category: "pension")
        let (handed, announce) = AsyncStream<DeadlineNotice>.makeStream()
        let s = DeadlineScheduler(store: h.store, clock: h.clock, interval: 60) { announce.yield($0) }
        let task = Task { await s.run() }
        // First pass at Monday 10:00 emits nothing; the loop sleeps until 10:01 on the manual clock.
        await h.clock.waitForSleepers(1)
        h.clock.set(Fixture.at(2026, 3, 6, 1))
        var kinds: [DeadlineNoticeKind] = []
        for await notice in handed { kinds.append(notice.kind); if kinds.count == 2 { break } }
        task.cancel()
        await task.value
        #expect(kinds == [.overdue, .escalation(level: 1)])
    }

    @Test(arguments: StoreKind.allCases) func aPassIsSummarisedByKind(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        for _ in 0..<3 { _ = try await h.ticket(in: .accepted, category: "pension") }
        _ = try await h.ticket(in: .accepted, category: "safety-hazard")
        h.clock.set(Fixture.at(2026, 3, 2, 22, 0))  // the urgent ticket's 2 h reminder
        let reminders = DeadlinePassSummary(try await scheduler(h, Inbox()).runOnce())
        #expect(reminders.reminders == 1 && reminders.overdue == 0 && reminders.escalations == 0, "\(reminders)")
        h.clock.set(Fixture.at(2026, 3, 6, 1))  // all four overdue, each escalated once
        let overdue = DeadlinePassSummary(try await scheduler(h, Inbox()).runOnce())
        #expect(overdue.reminders == 0 && overdue.overdue == 4 && overdue.escalations == 4, "\(overdue)")
        #expect(overdue.metadata == ["reminders": "0", "overdue": "4", "escalations": "4"])
    }
}
