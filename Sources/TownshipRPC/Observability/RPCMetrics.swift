import Metrics
import Synchronization
import TownshipWire

/// The metrics every server and client records, per method and status. Names follow
/// Prometheus conventions; swift-metrics' backend (swift-prometheus in the executables)
/// exports them.
///
/// Instruments are made once per label set and reused: asking the backend for a new one per
/// call costs a registry lookup under its lock on every call. Method labels are only ever
/// names the router or the caller's code knows; a name a peer made up is `unknownMethod`,
/// so a peer cannot grow the registry.
enum RPCMetrics {
    /// The method label of calls to a method the server does not have.
    static let unknownMethod = "(unknown)"
    /// The method label of calls refused by the connection's rules before their method was read.
    static let unreadMethod = "-"

    private struct CallKey: Hashable {
        let side: String, method: String, status: String
    }

    private struct DurationKey: Hashable {
        let side: String, method: String
    }

    private static let calls = Mutex<[CallKey: Counter]>([:])
    private static let durations = Mutex<[DurationKey: Metrics.Timer]>([:])
    private static let counters = Mutex<[String: Counter]>([:])

    static func callFinished(side: String, method: String, status: CallStatus, duration: Duration) {
        let callKey = CallKey(side: side, method: method, status: status.name)
        let counter = calls.withLock { cache in
            if let existing = cache[callKey] { return existing }
            let made = Counter(label: "township_rpc_\(side)_calls_total", dimensions: [("method", method), ("status", status.name)])
            cache[callKey] = made
            return made
        }
        counter.increment()
        let durationKey = DurationKey(side: side, method: method)
        let timer = durations.withLock { cache in
            if let existing = cache[durationKey] { return existing }
            let made = Metrics.Timer(label: "township_rpc_\(side)_call_duration_seconds", dimensions: [("method", method)])
            cache[durationKey] = made
            return made
        }
        timer.recordNanoseconds(duration.nanoseconds)
    }

    static func connectionError(side: String, code: ConnectionErrorCode) {
        counter("township_rpc_\(side)_connection_errors_total", ("code", code.name)).increment()
    }

    static func refused(status: CallStatus) {
        counter("township_rpc_server_refused_total", ("status", status.name)).increment()
    }

    private static func counter(_ label: String, _ dimension: (String, String)) -> Counter {
        let key = "\(label)|\(dimension.0)=\(dimension.1)"
        return counters.withLock { cache in
            if let existing = cache[key] { return existing }
            let made = Counter(label: label, dimensions: [dimension])
            cache[key] = made
            return made
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
