import Foundation
import LiaisonCore
import LiaisonService
import Logging
import Testing

/// The deadline pass as `serve` runs it (a lifecycle service on a short interval): with the
/// clock past the reminder time it records the reminder, once, and stops when cancelled.
@Suite struct DeadlinePassServiceTests {
    @Test func thePassRecordsTheReminderOnceAndStopsWhenCancelled() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-pass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = LocalDate(year: 2026, month: 3, day: 20)!.start
        let store = try LiaisonStore(path: directory.appendingPathComponent("enterprise-liaison.sqlite").path)
        var data = DemoLiaisonData.make(now: now)
        // One claimed item whose solution is due in 24 hours: inside the 48-hour reminder window.
        var item = data.items.first { $0.state == .claimed && $0.remindedAt == nil } ?? data.items[0]
        item.state = .claimed; item.department = "dept-social"; item.claimedAt = now.adding(days: -6)
        item.solutionDueAt = now.adding(days: 1); item.remindedAt = nil; item.overdueAt = nil
        data.items = data.items.map { $0.id == item.id ? item : $0 }
        try await store.load(data)

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let pass = DeadlinePassService(store: store, clock: ManualClock(now), interval: .milliseconds(20), logger: logger)
        let task = Task { try await pass.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        var reminders = 0
        while ContinuousClock.now < deadline {
            reminders = try store.item(item.id)?.timeline.filter { $0.kind == .reminded }.count ?? 0
            if reminders > 0 { break }
            await Task.yield()
        }
        #expect(reminders == 1)
        task.cancel()
        try await task.value
        #expect(try store.item(item.id)?.timeline.filter { $0.kind == .reminded }.count == 1, "later passes add nothing")
    }
}
