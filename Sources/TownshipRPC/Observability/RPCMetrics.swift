import Metrics
import TownshipWire

/// The metrics every server and client records, per method and status. Names follow
/// Prometheus conventions; swift-metrics' backend (swift-prometheus in the executables)
/// exports them.
enum RPCMetrics {
    static func callFinished(side: String, method: String, status: CallStatus, duration: Duration) {
        let dimensions = [("method", method), ("status", status.name)]
        Counter(label: "township_rpc_\(side)_calls_total", dimensions: dimensions).increment()
        Metrics.Timer(label: "township_rpc_\(side)_call_duration_seconds", dimensions: [("method", method)])
            .recordNanoseconds(duration.nanoseconds)
    }

    static func connectionError(side: String, code: ConnectionErrorCode) {
        Counter(label: "township_rpc_\(side)_connection_errors_total", dimensions: [("code", code.name)]).increment()
    }

    static func refused(method: String, status: CallStatus) {
        Counter(label: "township_rpc_server_refused_total", dimensions: [("status", status.name)]).increment()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
