import LiaisonCore
import Logging
import ServiceLifecycle

/// The problem list's deadline pass as a lifecycle service: every `interval` it records due
/// reminders, overdue marks and unclaimed flags (each once, in the item's timeline). It keeps
/// no state of its own, so a restart carries on where it stopped.
public struct DeadlinePassService: Service {
    let store: LiaisonStore
    let clock: any LiaisonClock
    let interval: Duration
    let idempotencyKeyHours: Int
    let logger: Logger

    public init(store: LiaisonStore, clock: any LiaisonClock, interval: Duration, idempotencyKeyHours: Int = 24, logger: Logger) {
        self.store = store
        self.clock = clock
        self.interval = interval
        self.idempotencyKeyHours = idempotencyKeyHours
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let changed = try await store.sweep(now: clock.now())
                    try await store.forgetIdempotencyKeys(olderThan: idempotencyKeyHours, now: clock.now())
                    if changed > 0 { logger.info("deadline pass", metadata: ["items": "\(changed)"]) }
                } catch {
                    // The next pass retries; nothing is half-written (one transaction per pass).
                    logger.error("deadline pass failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
