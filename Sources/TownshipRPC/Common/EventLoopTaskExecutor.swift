import NIOCore

/// One NIO event loop as a `TaskExecutor`, so that a task can prefer to run on the loop
/// that owns its connection: a handler's answer, a caller's continuation and the frames
/// they write then stay on one thread, instead of crossing from the loop to Swift's
/// cooperative pool and back for every call (two context switches each way, measured as
/// the biggest cost of a small call). swift-nio 2.101 makes an `EventLoop` a
/// `SerialExecutor` (for actors) but not a `TaskExecutor`, hence this wrapper.
///
/// Only for code that never blocks its thread: a job that blocks here stalls every
/// connection of the loop. Awaiting is fine (the task leaves the loop while it waits).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
