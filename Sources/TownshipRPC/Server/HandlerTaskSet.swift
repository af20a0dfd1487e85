import NIOCore
import Synchronization

/// The handler tasks of a server, owned by it: each call's handler runs in a task started
/// here and removed when it has returned (not when its call ended: a cancelled handler may
/// still be unwinding), so the server can count them, cancel them and wait for them on
/// shutdown instead of leaving them running unseen.
final class HandlerTaskSet: Sendable {
    private struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextID = 0
        var peak = 0
        var emptyWaiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Handler tasks that have not returned yet.
    var count: Int { state.withLock { $0.tasks.count } }
    /// The most handler tasks alive at once since the server started.
    var peak: Int { state.withLock { $0.peak } }

    /// Starts `body` in a task of this set, preferring `executor` (nil: the cooperative pool).
    /// The task is in the set before it can finish, since it takes the same lock to leave it.
    func start(on executor: (any TaskExecutor)?, _ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let task = Task(executorPreference: executor) {
                await body()
                self.finished(id)
            }
            state.tasks[id] = task
            state.peak = max(state.peak, state.tasks.count)
            return task
        }
    }

    private func finished(_ id: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.tasks[id] = nil
            guard state.tasks.isEmpty else { return [] }
            defer { state.emptyWaiters = [:] }
            return Array(state.emptyWaiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    func cancelAll() {
        for task in state.withLock({ Array($0.tasks.values) }) { task.cancel() }
    }

    /// Returns true once no handler task is left, false if `timeout` passed first (measured
    /// on `eventLoop`, so a cancelled caller still waits its bound).
    func waitUntilEmpty(within timeout: Duration, on eventLoop: EventLoop) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let empty = state.withLock { state -> Bool in
                if state.tasks.isEmpty { return true }
                state.emptyWaiters[id] = continuation
                return false
            }
            if empty {
                continuation.resume(returning: true)
                return
            }
            eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
                self.state.withLock { $0.emptyWaiters.removeValue(forKey: id) }?.resume(returning: false)
            }
        }
    }
}
