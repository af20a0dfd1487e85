import Synchronization

/// A moment, in whole seconds since 1970-01-01T00:00:00Z. The liaison rules only ever compare
/// moments and add whole days, so seconds are enough and keep the core free of Foundation.
public struct Instant: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    public static let secondsPerDay: Int64 = 86_400

    public func adding(days: Int) -> Instant { adding(seconds: Int64(days) * Self.secondsPerDay) }
    public func adding(seconds: Int64) -> Instant { Instant(secondsSinceEpoch: secondsSinceEpoch + seconds) }
    public func adding(days: Int, seconds: Int64) -> Instant { adding(days: days).adding(seconds: seconds) }

    public static func < (a: Instant, b: Instant) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }

    public var description: String {
        let local = LocalDate(containing: self)
        let second = (secondsSinceEpoch + LocalDate.zoneOffsetSeconds) - local.epochDay * Self.secondsPerDay
        let h = second / 3600, m = (second % 3600) / 60
        return "\(local) \(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m) (UTC+8)"
    }
}

/// Where the rules read "now": the service passes the system clock, tests and demo data a
/// clock they move themselves, so deadlines can be driven without waiting.
public protocol LiaisonClock: Sendable {
    func now() -> Instant
}

/// A clock a test or the demo-data generator sets by hand.
public final class ManualClock: LiaisonClock {
    private let current: Mutex<Instant>

    public init(_ start: Instant) { current = Mutex(start) }

    public func now() -> Instant { current.withLock { $0 } }
    public func set(_ instant: Instant) { current.withLock { $0 = instant } }
    public func advance(days: Int = 0, seconds: Int64 = 0) {
        current.withLock { $0 = $0.adding(days: days).adding(seconds: seconds) }
    }
}
