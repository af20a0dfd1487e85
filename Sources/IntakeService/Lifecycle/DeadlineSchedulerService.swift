import IntakeCore
import ServiceLifecycle

/// The deadline scheduler as a lifecycle service: runs until graceful shutdown. It keeps no
/// state of its own (the store records every notice), so a restart carries on where it stopped.
public struct DeadlineSchedulerService: Service {
    let scheduler: DeadlineScheduler

    public init(scheduler: DeadlineScheduler) { self.scheduler = scheduler }

    public func run() async throws {
        let scheduler = self.scheduler
        await cancelWhenGracefulShutdown {
            await scheduler.run()
        }
    }
}
