import Foundation
import Synchronization

/// Slows down password guessing without letting anyone lock a named account out.
///
/// - Per account and client address: after `maxFailures` failures in a row, each further
///   attempt on that login from that address must wait a delay that starts at `firstDelay`
///   and doubles with every failure, up to `maxDelay`. Another address (the account's owner)
///   is not slowed by it.
/// - Per client address: after `maxFailuresPerAddress` failures (any logins), the address is
///   refused for `lockout`, doubling with every further failure, up to an hour.
///
/// `attempt` checks and counts in one step, as a failure until `succeeded` says otherwise,
/// so parallel guesses cannot all pass a check made before any of them was counted.
/// Counts are forgotten after an hour without failures.
public final class LoginThrottle: Sendable {
    public struct Limits: Sendable, Hashable {
        public var maxFailures = 5
        public var firstDelay: Duration = .seconds(1)
        public var maxDelay: Duration = .seconds(60)
        public var maxFailuresPerAddress = 20
        public var lockout: Duration = .seconds(30)
        public init() {}
    }

    private struct Entry {
        var failures = 0
        var lastFailure: Date
        var blockedUntil: Date?
    }

    static let maximumEntries = 100_000
    static let memory: TimeInterval = 3600
    public let limits: Limits
    private let now: @Sendable () -> Date
    private let entries = Mutex<[String: Entry]>([:])

    public init(limits: Limits, now: @escaping @Sendable () -> Date = { Date() }) {
        self.limits = limits
        self.now = now
    }

    /// Nil when the attempt may go ahead (it is then counted as a failure until `succeeded`),
    /// otherwise how many seconds the caller must still wait.
    public func attempt(login: String, address: String) -> TimeInterval? {
        let instant = now()
        return entries.withLock { entries -> TimeInterval? in
            let keys = [Self.accountKey(login, address), Self.addressKey(address)]
            let waits = keys.compactMap { key -> TimeInterval? in
                guard let until = entries[key]?.blockedUntil, until > instant else { return nil }
                return until.timeIntervalSince(instant)
            }
            if let wait = waits.max() { return wait }
            Self.prune(&entries, at: instant)
            recordFailure(account: keys[0], address: keys[1], at: instant, in: &entries)
            return nil
        }
    }

    /// The attempt let through by `attempt` had the right password: the account's count from
    /// that address is cleared, and the address is not charged for it.
    public func succeeded(login: String, address: String) {
        entries.withLock { entries in
            entries.removeValue(forKey: Self.accountKey(login, address))
            let key = Self.addressKey(address)
            if var entry = entries[key] {
                entry.failures = max(0, entry.failures - 1)
                entries[key] = entry.failures == 0 && entry.blockedUntil == nil ? nil : entry
            }
        }
    }

    /// The attempt let through by `attempt` was not made after all (the gateway was too busy
    /// to check the password): it is not counted.
    public func withdraw(login: String, address: String) {
        entries.withLock { entries in
            for key in [Self.accountKey(login, address), Self.addressKey(address)] {
                guard var entry = entries[key] else { continue }
                entry.failures = max(0, entry.failures - 1)
                entries[key] = entry
            }
        }
    }

    private func recordFailure(account: String, address: String, at instant: Date, in entries: inout [String: Entry]) {
        var entry = entries[account] ?? Entry(lastFailure: instant)
        entry.failures += 1
        entry.lastFailure = instant
        if entry.failures >= limits.maxFailures {
            let doublings = min(entry.failures - limits.maxFailures, 30)
            let delay = min(limits.maxDelay.seconds, limits.firstDelay.seconds * Double(1 << doublings))
            entry.blockedUntil = instant.addingTimeInterval(delay)
        }
        entries[account] = entry

        var byAddress = entries[address] ?? Entry(lastFailure: instant)
        byAddress.failures += 1
        byAddress.lastFailure = instant
        if byAddress.failures >= limits.maxFailuresPerAddress {
            let doublings = min(byAddress.failures - limits.maxFailuresPerAddress, 30)
            byAddress.blockedUntil = instant.addingTimeInterval(min(Self.memory, limits.lockout.seconds * Double(1 << doublings)))
        }
        entries[address] = byAddress
    }

    /// A spray of made-up logins must not grow the table without bound: past the cap, forget
    /// whoever has not failed for an hour, then whoever is not blocked right now.
    private static func prune(_ entries: inout [String: Entry], at instant: Date) {
        guard entries.count >= maximumEntries else { return }
        entries = entries.filter { instant.timeIntervalSince($0.value.lastFailure) < memory }
        if entries.count >= maximumEntries {
            entries = entries.filter { $0.value.blockedUntil.map { $0 > instant } ?? false }
        }
    }

    private static func accountKey(_ login: String, _ address: String) -> String { "login:\(address) \(login)" }
    private static func addressKey(_ address: String) -> String { "address:\(address)" }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
