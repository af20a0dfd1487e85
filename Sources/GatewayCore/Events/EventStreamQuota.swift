import Synchronization

/// How many event streams each user has open; each stream holds a heartbeat task, a hub
/// subscription and a connection, so one user (or one stolen token) may not open unbounded
/// numbers of them (`events.maxStreamsPerUser`).
public final class EventStreamQuota: Sendable {
    public let maxPerUser: Int
    private let open = Mutex<[String: Int]>([:])

    public init(maxPerUser: Int) { self.maxPerUser = maxPerUser }

    public func openStreams(of userID: String) -> Int { open.withLock { $0[userID] ?? 0 } }

    /// A place for one more stream of `userID`, or nil when they have `maxPerUser` open. The
    /// place is given back when the returned value is released, however the stream ends
    /// (even if its body never starts).
    public func take(for userID: String) -> Place? {
        let taken = open.withLock { open -> Bool in
            let count = open[userID] ?? 0
            guard count < maxPerUser else { return false }
            open[userID] = count + 1
            return true
        }
        return taken ? Place(quota: self, userID: userID) : nil
    }

    fileprivate func giveBack(_ userID: String) {
        open.withLock { open in
            let count = (open[userID] ?? 1) - 1
            open[userID] = count > 0 ? count : nil
        }
    }

    public final class Place: Sendable {
        private let quota: EventStreamQuota
        private let userID: String

        fileprivate init(quota: EventStreamQuota, userID: String) {
            self.quota = quota
            self.userID = userID
        }

        deinit { quota.giveBack(userID) }
    }
}
