import Synchronization

/// The global chain's head as the group commit's writer last linked it, so that appending an
/// event needs no SELECT of the chain's last row. Only a hint: `GlobalLedgerChain.append` uses
/// it only when the new event's position directly follows it (any other writer's event in
/// between makes it stale, and the SELECT is made), and the group commit restores it when a
/// savepoint or a batch's first pass rolls back and forgets it when a transaction is lost.
final class LedgerChainHead: Sendable {
    struct Link: Sendable, Equatable {
        var position: Int64
        var chainHash: String
    }

    private let cached = Mutex<Link?>(nil)

    var current: Link? {
        get { cached.withLock { $0 } }
        set { cached.withLock { $0 = newValue } }
    }

    /// The chain hash to link an event at `position` to, if the cached head is its predecessor.
    func previous(of position: Int64) -> String? {
        cached.withLock { link in
            guard let link, link.position &+ 1 == position else { return nil }
            return link.chainHash
        }
    }
}
