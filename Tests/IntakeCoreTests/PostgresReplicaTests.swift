import Crypto
import Foundation
import Testing
@testable import IntakeCore
import IntakePostgresStore

/// Two `PostgresTicketStore`s on one database are two replicas of intake (issue #16 item 3).
@Suite struct PostgresReplicaTests {
    static let key = SymmetricKey(size: .bits256)

    /// Replica A seeds the reference data; B opens the same database.
    func replicas() async throws -> (a: Harness, b: Harness) {
        let a = try await Harness(.postgres, checkpointKey: Self.key)
        let b = try await Harness(.postgres, checkpointKey: Self.key, databaseURL: a.databaseURL)
        return (a, b)
    }

    @Test func ticketNumbersAreUniqueAcrossReplicas() async throws {
        let (a, b) = try await replicas()
        let numbers = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<60 {
                let replica = i % 2 == 0 ? a : b
                group.addTask { try await replica.submit(Fixture.report("路灯不亮 \(i)")).ticket.number }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(numbers).count == 60, "duplicates: \(numbers.sorted())")
        let checkpoint = try await b.store.writeCheckpoint()
        #expect(try await a.store.verifyGlobalChain() == .intact(events: 60, checkpointPosition: checkpoint?.position))
        let listed = try await b.store.list(TicketFilter(), page: PageRequest(limit: 100), for: Fixture.leader).items.count
        #expect(listed == 60)
    }

    @Test func concurrentActionsOnOneTicketKeepOneChain() async throws {
        let (a, b) = try await replicas()
        let id = try await a.ticket(in: .accepted, category: "pension")
        let version = Int64(try await a.store.ticket(id, for: Fixture.leader).timeline.count)
        // Both replicas dispatch the same version at once: one wins, the other is told the version moved.
        let refusals = await withTaskGroup(of: IntakeError?.self) { group in
            for replica in [a, b] {
                group.addTask {
                    await intakeError { _ = try await replica.store.perform(.dispatch(to: "dept-social"), on: id, note: nil, expectedVersion: version, by: Fixture.workerA) }
                }
            }
            return await group.reduce(into: [IntakeError?]()) { $0.append($1) }
        }
        #expect(refusals.filter { $0 == nil }.count == 1, "one dispatch succeeds: \(refusals)")
        #expect(refusals.compactMap { $0 } == [.versionMismatch(ticket: id, current: version + 1, expected: version)])
        // Unversioned moves and new tickets from both replicas at once: still one chain each, one global chain.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                let replica = i % 2 == 0 ? a : b
                group.addTask { _ = try await replica.submit(Fixture.report("独居老人 \(i)")) }
            }
            group.addTask { try await a.act(.sign, id, by: Fixture.socialStaff) }
            try await group.waitForAll()
        }
        try await b.act(.startHandling, id, by: Fixture.socialStaff)
        #expect(try await a.store.verifyLedger(id, for: Fixture.leader).isIntact)
        #expect(try await b.store.timeline(id, for: Fixture.leader).map(\.sequence) == [1, 2, 3, 4, 5])
        let checkpoint = try await b.store.writeCheckpoint()
        let events = try await a.store.ledgerHeadPosition()
        #expect(try await a.store.verifyGlobalChain() == .intact(events: events, checkpointPosition: checkpoint?.position))
        #expect(try await a.store.events(after: 0, limit: 1_000, for: Fixture.leader).map(\.position) == Array(1...events))
    }

    @Test func aRetryThroughTheOtherReplicaReturnsTheFirstTicket() async throws {
        let (a, b) = try await replicas()
        let results = try await withThrowingTaskGroup(of: (view: TicketView, replayed: Bool).self) { group in
            for replica in [a, b, a, b] {
                group.addTask { try await replica.store.submit(Fixture.report(), by: Fixture.admin, clientRequestID: "client-42") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.view.ticket.id)).count == 1, "one ticket for one request id")
        #expect(results.filter { !$0.replayed }.count == 1)
        #expect(try await b.store.statistics(TicketFilter(), for: Fixture.leader).total == 1)
    }

    @Test func theDeadlineSchedulerRunsOnOneReplicaAndMovesWhenItsHolderDies() async throws {
        let (a, b) = try await replicas()
        _ = try await a.ticket(in: .accepted, category: "pension")
        let now = Fixture.at(2026, 3, 6, 1, 0)
        #expect(try await a.store.emitDueDeadlineNotices(now: now, policy: ReminderPolicy(), limit: 500).map(\.kind) == [.overdue, .escalation(level: 1)])
        // B's pass while A holds the lease (45 s from A's pass): nothing, even with notices due.
        #expect(try await b.store.emitDueDeadlineNotices(now: Fixture.at(2026, 3, 6, 1, 0).addingTimeInterval(30), policy: ReminderPolicy(), limit: 500).isEmpty)
        // A dies (stops renewing): after the lease ran out, B's next pass takes over.
        (a.store as! PostgresTicketStore).close()
        let later = Fixture.at(2026, 3, 9, 1, 0)
        #expect(try await b.store.emitDueDeadlineNotices(now: later, policy: ReminderPolicy(), limit: 500).map(\.kind) == [.escalation(level: 2)])
    }

    @Test func aSubscriberOnOneReplicaReceivesTheOthersEventsInOrderAndResumes() async throws {
        let (a, b) = try await replicas()
        // An hour's poll: only NOTIFY can wake this tail in time.
        let stream = try a.store.eventStream(after: 0, for: Fixture.leader, pollInterval: .seconds(3600))
        let tail = Task {
            var seen: [LedgerEvent] = []
            for try await event in stream {
                seen.append(event)
                if seen.count == 6 { break }
            }
            return seen
        }
        while a.store.eventWaiterCount == 0 { await Task.yield() }
        for i in 0..<3 { try await b.submit(Fixture.report("用电 \(i)")) }
        let first = try await b.submit().ticket.id
        try await b.act(.accept(Classification(categoryID: "pension")), first, by: Fixture.workerA)
        try await b.act(.dispatch(to: "dept-social"), first, by: Fixture.workerA)
        let seen = try await tail.value
        #expect(seen.map(\.position) == Array(1...6))
        // Resumed from a position: only what came after it.
        let resumed = try a.store.eventStream(after: 4, for: Fixture.leader, pollInterval: .seconds(3600))
        var again: [Int64] = []
        for try await event in resumed {
            again.append(event.position)
            if again.count == 2 { break }
        }
        #expect(again == [5, 6])
    }
}
