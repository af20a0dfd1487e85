import Dispatch
import Foundation
import GRDB
import Testing
@testable import IntakeCore

/// Holds the group commit's writer inside a first batch until released, so the writes queued
/// meanwhile are committed together, in the order they were queued, as the next batch.
struct WriterHold: Sendable {
    let commit: GroupCommit
    let release: DispatchSemaphore
    let holding: Task<Void, any Error>

    init(_ commit: GroupCommit) async {
        self.commit = commit
        let (started, signal) = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        self.release = release
        holding = Task { try await commit.write { _ in signal.yield(); release.wait() } }
        for await _ in started { break }
    }

    /// Waits (without a clock) until `count` writes are queued behind the hold.
    func waitForQueued(_ count: Int) async {
        while commit.queuedCount < count { await Task.yield() }
    }

    /// Queues `write` behind the hold, after the writes queued so far, and waits until it is queued.
    func queue<T: Sendable>(_ write: @escaping @Sendable () async throws -> T) async -> Task<T, any Error> {
        let queued = commit.queuedCount
        let task = Task { try await write() }
        await waitForQueued(queued + 1)
        return task
    }

    func letGo() async throws {
        release.signal()
        try await holding.value
    }
}

@Suite struct GroupCommitFailureTests {
    struct InjectedIOError: Error {}

    /// Stands for SQLITE_FULL / IOERR / BUSY: SQLite rolls back the whole transaction, and the
    /// item sees an error.
    static let rollBackEverything: @Sendable (Database) throws -> Void = { db in
        try db.execute(sql: "INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('fault', 4000, 1)")
        try db.execute(sql: "ROLLBACK")
        throw InjectedIOError()
    }

    @Test func aTransactionRolledBackUnderTheBatchFailsEveryWriteOfItRetryably() async throws {
        let h = try await Harness()
        let hold = await WriterHold(h.sqlite.groupCommit)
        // Queued in this order: a submission, the failing write, another submission.
        let before = Task { try await h.store.submit(Fixture.report("路灯不亮"), by: Fixture.admin) }
        await hold.waitForQueued(1)
        let failing = Task { try await h.sqlite.groupCommit.write(Self.rollBackEverything) }
        await hold.waitForQueued(2)
        let after = Task { try await h.store.submit(Fixture.report("井盖缺失"), by: Fixture.admin) }
        await hold.waitForQueued(3)
        try await hold.letGo()

        let outcomes = [await intakeError { _ = try await before.value }, await intakeError { try await failing.value },
                        await intakeError { _ = try await after.value }]
        for outcome in outcomes {
            guard case .unavailable(let why)? = outcome else { Issue.record("expected a retryable unavailable, got \(String(describing: outcome))"); continue }
            #expect(why.contains("nothing of it was stored"))
        }
        // Nothing claimed success, and nothing is stored: no ticket, no number, no fault row.
        let counts = try await h.sqlite.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket_number_counter")!)
        }
        #expect(counts.0 == 0 && counts.1 == 0, "\(counts)")
        // The failure was transient: the same submission goes through on retry, numbered 1.
        let retried = try await h.store.submit(Fixture.report("路灯不亮"), by: Fixture.admin)
        #expect(retried.ticket.number == "2026-000001")
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        var configuration = IntakeConfiguration(townshipCode: "qingshan", calendar: Fixture.calendar)
        configuration.groupCommitQueueLimit = 2
        let h = try await Harness(configuration: configuration)
        let hold = await WriterHold(h.sqlite.groupCommit)
        let first = Task { try await h.store.submit(Fixture.report("一"), by: Fixture.admin) }
        let second = Task { try await h.store.submit(Fixture.report("二"), by: Fixture.admin) }
        await hold.waitForQueued(2)
        let refused = await intakeError { _ = try await h.store.submit(Fixture.report("三"), by: Fixture.admin) }
        guard case .overloaded(let why)? = refused else { Issue.record("expected overloaded, got \(String(describing: refused))"); return }
        #expect(why.contains("2 writes"))
        try await hold.letGo()
        #expect(try await first.value.ticket.status == .submitted)
        #expect(try await second.value.ticket.status == .submitted)
    }
}
