import Foundation
import Synchronization

/// Slows down password guessing: after `maxFailures` consecutive failures for one login, or
/// `4 × maxFailures` from one client address, further attempts are refused for `lockout`,
/// doubling with every further failure (capped at one hour). A success clears the login's count.
public final class LoginThrottle: Sendable {
    private struct Entry {
        var failures = 0
        var lockedUntil: Date?
    }

    static let maximumEntries = 100_000
    private let maxFailures: Int
    private let lockout: Duration
    private let now: @Sendable () -> Date
    private let entries = Mutex<[String: Entry]>([:])

    public init(maxFailures: Int, lockout: Duration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maxFailures = maxFailures
        self.lockout = lockout
        self.now = now
    }

    /// How long the caller must still wait, or nil when an attempt is allowed.
    public func retryAfter(login: String, address: String) -> TimeInterval? {
        let instant = now()
        return entries.withLock { entries in
            let waits = [Self.loginKey(login), Self.addressKey(address)].compactMap { key -> TimeInterval? in
                guard let until = entries[key]?.lockedUntil, until > instant else { return nil }
                return until.timeIntervalSince(instant)
            }
            return waits.max()
        }
    }

    public func recordFailure(login: String, address: String) {
        let instant = now()
        entries.withLock { entries in
            // A spray of made-up logins must not grow this without bound: past the cap, forget
            // the counts of whoever is not locked out right now.
            if entries.count > Self.maximumEntries {
                entries = entries.filter { $0.value.lockedUntil.map { $0 > instant } ?? false }
            }
            for (key, limit) in [(Self.loginKey(login), maxFailures), (Self.addressKey(address), maxFailures * 4)] {
                var entry = entries[key] ?? Entry()
                entry.failures += 1
                if entry.failures >= limit {
                    let doublings = min(entry.failures - limit, 7)
                    let seconds = min(3600, lockout.seconds * Double(1 << doublings))
                    entry.lockedUntil = instant.addingTimeInterval(seconds)
                }
                entries[key] = entry
            }
        }
    }

    public func recordSuccess(login: String) {
        _ = entries.withLock { $0.removeValue(forKey: Self.loginKey(login)) }
    }

    private static func loginKey(_ login: String) -> String { "login:\(login)" }
    private static func addressKey(_ address: String) -> String { "address:\(address)" }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
