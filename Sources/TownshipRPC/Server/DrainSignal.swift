import Synchronization

/// Raised once when the connection starts draining (spec §11). Calls that would never end on
/// their own, such as subscriptions, wait on it to end themselves, so a drain is not held up
/// for its whole timeout by a subscriber that would resume elsewhere anyway.
public final class DrainSignal: Sendable {
    private struct State {
        var raised = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public var isRaised: Bool { state.withLock { $0.raised } }

    func raise() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.raised else { return [] }
            state.raised = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the signal is raised, or at once when the waiting task is cancelled.
    public func wait() async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.raised || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

extension RPCContext {
    /// Runs `body` (a call that only ends when its client goes away, such as a subscription)
    /// until it returns, or until the server starts draining: then it is cancelled and the
    /// call fails with UNAVAILABLE and `message`, which tells the client how to resume.
    public func endingWhenDraining<T: Sendable>(_ message: @escaping @Sendable () -> String,
                                                _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let drain = self.drain
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                await drain.wait()
                if Task.isCancelled { return nil }
                throw RPCError(.unavailable, message())
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CancellationError()
        }
    }
}
