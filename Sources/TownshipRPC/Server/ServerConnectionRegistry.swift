import NIOCore
import Synchronization

/// The open connections of a server, so that a shutdown can drain each of them, and the
/// count the connection cap (`RPCServerConfiguration.maxConnections`) is judged by.
final class ServerConnectionRegistry: Sendable {
    private struct Entry {
        let channel: Channel
        let link: ServerConnectionLink
        let admitted: Bool
    }

    private struct State {
        var connections: [ObjectIdentifier: Entry] = [:]
        var admitted = 0
        var emptyWaiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    /// Every handler task of every connection of this server.
    let handlerTasks = HandlerTaskSet()

    /// Registers a connection; returns whether it is within `limit` admitted connections.
    /// A connection over the limit is still registered (a shutdown closes it too) but does
    /// not count against the limit while it is being turned away.
    func add(_ channel: Channel, link: ServerConnectionLink, limit: Int) -> Bool {
        state.withLock { state in
            let admitted = state.admitted < limit
            if admitted { state.admitted += 1 }
            state.connections[ObjectIdentifier(channel)] = Entry(channel: channel, link: link, admitted: admitted)
            return admitted
        }
    }

    func remove(_ channel: Channel) {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard let entry = state.connections.removeValue(forKey: ObjectIdentifier(channel)) else { return [] }
            if entry.admitted { state.admitted -= 1 }
            guard state.connections.isEmpty else { return [] }
            defer { state.emptyWaiters = [:] }
            return Array(state.emptyWaiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    var count: Int { state.withLock { $0.connections.count } }

    private var links: [ServerConnectionLink] { state.withLock { $0.connections.values.map(\.link) } }

    /// Sends GOAWAY on every connection; each closes when its calls are done.
    func drainAll() {
        for link in links {
            link.eventLoop.execute { link.handler.value.beginDrain() }
        }
    }

    /// Waits until every connection has closed, or `timeout` has passed (measured on
    /// `eventLoop`'s clock, so a cancelled task still waits its bound); true if all closed.
    func waitUntilEmpty(within timeout: Duration, on eventLoop: EventLoop) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let empty = state.withLock { state -> Bool in
                if state.connections.isEmpty { return true }
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

    /// Closes every connection now, whatever it is waiting for; a connection whose peer
    /// does not read is cut after its close timeout (`bound`; its close_notify cannot be
    /// delivered). Returns once every connection has closed or the bound has passed.
    func closeAll(within bound: Duration, on eventLoop: EventLoop) async {
        for link in links {
            link.eventLoop.execute { link.handler.value.closeNow() }
        }
        _ = await waitUntilEmpty(within: bound + .milliseconds(100), on: eventLoop)
    }
}
