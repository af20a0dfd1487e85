import Foundation
import Testing
@testable import IntakeCore

/// The scaled demo: `INTAKE_SCALE_TICKETS=1000000 swift test --filter ScaleBenchmark`
/// (optionally `INTAKE_SCALE_PATH=/some/file.sqlite` to keep the database; a kept database with
/// exactly that many tickets is reused instead of loaded again). Prints the load
/// time and the time of typical list, search and statistics queries over the result.
@Suite struct ScaleBenchmark {
    static let ticketCount = Int(ProcessInfo.processInfo.environment["INTAKE_SCALE_TICKETS"] ?? "") ?? 0

    func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test(.enabled(if: ticketCount > 0, "set INTAKE_SCALE_TICKETS to run"))
    func loadAndQueryAtScale() async throws {
        let dir = try TempDirectory()
        let path = ProcessInfo.processInfo.environment["INTAKE_SCALE_PATH"] ?? dir.databasePath
        let store = try SQLiteTicketStore(path: path, configuration: IntakeConfiguration(townshipCode: "demo"),
                                          clock: ManualClock(DemoDataLoader.referenceNow))
        let existing = try await store.statistics(TicketFilter(), for: Principal(userID: "a", role: .admin)).total
        if existing == Self.ticketCount {
            print("scale: reusing \(existing) tickets at \(path)")
        } else {
        let report = try await DemoDataLoader.load(into: store, ticketCount: Self.ticketCount, batchSize: 20_000) { done in
            if done % 100_000 == 0 { print("scale: \(done) tickets") }
        }
        print(String(format: "scale: loaded %d tickets, %d ledger events in %.1f s (%.0f tickets/s; generating %.1f s, inserting %.1f s)",
                     report.tickets, report.ledgerEvents, report.seconds, report.ticketsPerSecond, report.generationSeconds, report.insertSeconds))
        }
        let leader = Principal(userID: "leader-1", role: .leader)
        let worker = Principal(userID: "gw3-V07-L2-1-G3", role: .gridWorker, gridID: "V07-L2-1-G3")
        var cursor: String?
        let timings: [(String, Double)] = [
            ("first page, all", try await seconds { cursor = try await store.list(TicketFilter(), page: PageRequest(limit: 50), for: leader).nextCursor }),
            ("second page, all", try await seconds { _ = try await store.list(TicketFilter(), page: PageRequest(limit: 50, cursor: cursor), for: leader) }),
            ("page, village V07 + in progress", try await seconds { _ = try await store.list(TicketFilter(statuses: [.inProgress], villageIDs: ["V07"]), page: PageRequest(limit: 50), for: leader) }),
            ("page, grid worker's own grid", try await seconds { _ = try await store.list(TicketFilter(), page: PageRequest(limit: 50), for: worker) }),
            ("page, overdue", try await seconds { _ = try await store.list(TicketFilter(onlyOverdue: true), page: PageRequest(limit: 50), for: leader) }),
            ("search 临时用电", try await seconds { _ = try await store.list(TicketFilter(text: "临时用电"), page: PageRequest(limit: 50), for: leader) }),
            ("search 违建", try await seconds { _ = try await store.list(TicketFilter(text: "违建"), page: PageRequest(limit: 50), for: leader) }),
            ("statistics, everything", try await seconds { _ = try await store.statistics(TicketFilter(), for: leader) }),
            ("statistics, one village", try await seconds { _ = try await store.statistics(TicketFilter(villageIDs: ["V07"]), for: leader) }),
            ("deadline pass", try await seconds { _ = try await store.emitDueDeadlineNotices(now: DemoDataLoader.referenceNow, policy: ReminderPolicy(), limit: 500) }),
        ]
        for (name, t) in timings { print("scale: " + name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%8.1f ms", t * 1000)) }
        #expect(try await store.statistics(TicketFilter(), for: leader).total == Self.ticketCount)
    }
}
