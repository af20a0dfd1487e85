import Foundation
import Synchronization

/// Time as the intake core sees it; injected so tests and the scheduler can control it.
public protocol IntakeClock: Sendable {
    func now() -> Date
    /// Suspends until `deadline` on this clock (or throws on cancellation).
    func sleep(until deadline: Date) async throws
}

public struct SystemClock: IntakeClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
    }
}

/// A clock that moves only when told; for tests and simulations.
public final class ManualClock: IntakeClock {
    private let current: Mutex<Date>
    public init(_ start: Date) { current = Mutex(start) }
    public func now() -> Date { current.withLock { $0 } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    public func sleep(until deadline: Date) async throws {
        while now() < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
