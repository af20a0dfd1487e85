import Synchronization

/// Wakes ledger tails after a commit. A generation counter closes the race between "I read
/// nothing new" and "I start waiting": a waiter that saw generation g returns at once if the
/// generation has moved on.
public final class LedgerChangeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = Mutex(State())

    public init() {}

    var generation: UInt64 { state.withLock { $0.generation } }

    /// Tails waiting for a change now (tests wait for this instead of sleeping).
    public var waiterCount: Int { state.withLock { $0.waiters.count } }

    public func notify() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.generation &+= 1
            let w = Array(s.waiters.values)
            s.waiters.removeAll()
            return w
        }
        for w in waiters { w.resume() }
    }

    /// Returns when the generation differs from `seen`, when `timeout` passes (writers in
    /// another process do not signal), or on cancellation.
    func wait(after seen: UInt64, timeout: Duration) async {
        let id = state.withLock { s -> UInt64 in s.nextWaiter &+= 1; return s.nextWaiter }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.resume(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.generation != seen || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            resume(id)
        }
        timer.cancel()
    }

    private func resume(_ id: UInt64) {
        let c = state.withLock { $0.waiters.removeValue(forKey: id) }
        c?.resume()
    }
}
