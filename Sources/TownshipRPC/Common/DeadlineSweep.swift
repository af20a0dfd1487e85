import NIOCore

/// One timer per connection for the deadlines of all its calls, instead of a NIO timer per
/// call: scheduling and cancelling one for every call, on both sides, took about 8 % of
/// RPCLoad's CPU at 64 calls in flight (perf, 2026-12-02: `Scheduled.cancel` 5.7 %,
/// `scheduleTask` 2.1 %, inclusive). The timer is armed for the earliest deadline it has
/// been told of; when it fires, the owner ends every call whose deadline has passed and
/// includes the earliest deadline left. A call that ends before its deadline costs nothing.
///
/// Used on the connection's event loop only.
struct DeadlineSweep {
    private var timer: Scheduled<Void>?
    private var armedFor: NIODeadline?

    /// Makes sure the timer fires no later than `deadline`; `fire` runs on `eventLoop`.
    mutating func include(_ deadline: NIODeadline, on eventLoop: EventLoop, fire: @escaping @Sendable () -> Void) {
        if let armedFor, armedFor <= deadline { return }
        timer?.cancel()
        armedFor = deadline
        timer = eventLoop.scheduleTask(deadline: deadline, fire)
    }

    /// The timer has fired: nothing is armed until the next `include`.
    mutating func fired() {
        timer = nil
        armedFor = nil
    }

    /// A call with a deadline, as the owner's sweep sees it.
    typealias Entry = (id: UInt32, deadline: NIODeadline, timeoutMilliseconds: UInt32)

    /// The timer has fired: the entries past their deadline, which the owner ends; the timer is
    /// armed again for the earliest deadline of the rest (`fire` as in `include`).
    mutating func sweep(_ entries: [Entry], on eventLoop: EventLoop, fire: @escaping @Sendable () -> Void) -> [Entry] {
        fired()
        let (expired, next) = Self.due(entries, at: .now())
        if let next { include(next, on: eventLoop, fire: fire) }
        return expired
    }

    /// The calls whose deadline has passed at `now`, and the earliest deadline of the rest.
    private static func due(_ entries: [Entry], at now: NIODeadline) -> (expired: [Entry], next: NIODeadline?) {
        var expired: [Entry] = []
        var next: NIODeadline?
        for entry in entries {
            if entry.deadline <= now {
                expired.append(entry)
            } else if next.map({ entry.deadline < $0 }) ?? true {
                next = entry.deadline
            }
        }
        return (expired, next)
    }

    mutating func cancel() {
        timer?.cancel()
        fired()
    }
}
