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

    private static let counters = Mutex<[String: Counter]>([:])
    private static let timers = Mutex<[String: Metrics.Timer]>([:])
    /// Every call ends here, on both sides: its two instruments are found by a key that
    /// costs no string building, under one lock.
    private static let callInstruments = Mutex<[CallKey: (calls: Counter, duration: Metrics.Timer)]>([:])

    private struct CallKey: Hashable {
        let side: String
        let method: String
        let status: CallStatus
    }

    static func callFinished(side: String, method: String, status: CallStatus, duration: Duration) {
        let key = CallKey(side: side, method: method, status: status)
        let instruments = callInstruments.withLock { cache in
            if let existing = cache[key] { return existing }
            let made = (
                calls: counter("township_rpc_\(side)_calls_total", [("method", method), ("status", status.name)]),
                duration: timer("township_rpc_\(side)_call_duration_seconds", [("method", method)]))
            cache[key] = made
            return made
        }
        instruments.calls.increment()
        instruments.duration.recordNanoseconds(duration.nanoseconds)
    }

    static func connectionError(side: String, code: ConnectionErrorCode) {
        counter("township_rpc_\(side)_connection_errors_total", [("code", code.name)]).increment()
    }

    static func refused(status: CallStatus) {
        counter("township_rpc_server_refused_total", [("status", status.name)]).increment()
    }

    private static func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        instrument(in: counters, label, dimensions) { Counter(label: label, dimensions: dimensions) }
    }

    private static func timer(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Timer {
        instrument(in: timers, label, dimensions) { Metrics.Timer(label: label, dimensions: dimensions) }
    }

    private static func instrument<I>(in cache: borrowing Mutex<[String: I]>, _ label: String, _ dimensions: [(String, String)],
                                      make: () -> I) -> I {
        let key = dimensions.reduce(label) { "\($0)|\($1.0)=\($1.1)" }
        return cache.withLock { cache in
            if let existing = cache[key] { return existing }
            let made = make()
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
