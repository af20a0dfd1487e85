import Synchronization

/// Signed-in users by session token, remembered for a short while so that a request does not
/// read SQLite (one serial queue for every request of the gateway) to learn who sent it.
///
/// Bounded: at most `maxEntries` tokens (when full, expired entries go first, then any), each
/// for at most `ttl` and never past its session's expiry. Signing out on this gateway removes
/// the token at once; a session ended elsewhere (another gateway, a tool on the database) is
/// still accepted here for at most `ttl`. Unknown tokens are not remembered: a guess always
/// goes to the database, and never fills the cache.
public final class SessionCache: Sendable {
    public struct Limits: Sendable {
        /// How long a looked-up session is believed without asking the database again; zero
        /// turns the cache off (`session.cacheMilliseconds`, 10000).
        public var ttl: Duration = .seconds(10)
        /// Tokens remembered at once (`session.cacheMaxEntries`, 10000).
        public var maxEntries = 10_000

        public init() {}
    }

    private struct Entry {
        var user: GatewayUser
        var expires: ContinuousClock.Instant
    }

    let limits: Limits
    private let entries = Mutex<[String: Entry]>([:])

    public init(limits: Limits) {
        self.limits = limits
    }

    var count: Int { entries.withLock { $0.count } }

    func user(forToken token: String) -> GatewayUser? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.user
        }
    }

    /// Remembers `user` for `token`, whose session ends in `remaining`.
    func insert(token: String, user: GatewayUser, remaining: Duration) {
        guard limits.ttl > .zero, limits.maxEntries > 0, remaining > .zero else { return }
        let now = ContinuousClock.now
        let entry = Entry(user: user, expires: now + min(limits.ttl, remaining))
        entries.withLock { entries in
            if entries[token] == nil, entries.count >= limits.maxEntries {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= limits.maxEntries { entries.remove(at: entries.startIndex) }
            }
            entries[token] = entry
        }
    }

    /// Forgets `token` (its session was signed out).
    func remove(token: String) {
        _ = entries.withLock { $0.removeValue(forKey: token) }
    }
}
