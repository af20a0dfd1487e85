import Foundation
import Logging

/// Drives reminders, overdue notices and escalations. Holds no state of its own beyond the
/// loop: every decision comes from the store (due times, next check times, emitted notices),
/// so a restarted scheduler carries on where the last one stopped without repeating itself.
public actor DeadlineScheduler {
    let store: any TicketStore
    let clock: any IntakeClock
    let policy: ReminderPolicy
    let interval: TimeInterval
    let onNotice: @Sendable (DeadlineNotice) async -> Void
    let logger: Logger

    public init(store: any TicketStore, clock: any IntakeClock, policy: ReminderPolicy = ReminderPolicy(),
                interval: TimeInterval = 60, logger: Logger = Logger(label: "intake.deadlines"),
                onNotice: @escaping @Sendable (DeadlineNotice) async -> Void = { _ in }) {
        self.store = store; self.clock = clock; self.policy = policy; self.interval = interval
        self.logger = logger; self.onNotice = onNotice
    }

    /// One pass: emits (records, then hands to `onNotice`) everything due by the clock's now,
    /// and logs one line of counts (the first pass after downtime can emit hundreds of notices;
    /// each is for `onNotice` to log at debug level).
    @discardableResult
    public func runOnce() async throws -> [DeadlineNotice] {
        let notices = try await store.emitDueDeadlineNotices(now: clock.now(), policy: policy, limit: 500)
        for notice in notices { await onNotice(notice) }
        let summary = DeadlinePassSummary(notices)
        logger.log(level: notices.isEmpty ? .debug : .info, "deadline pass", metadata: summary.metadata)
        return notices
    }

    /// Runs passes every `interval` until the task is cancelled. Failures are logged and retried.
    public func run() async {
        while !Task.isCancelled {
            do { try await runOnce() } catch { logger.error("deadline pass failed: \(error)") }
            do { try await clock.sleep(until: clock.now().addingTimeInterval(interval)) } catch { return }
        }
    }
}
