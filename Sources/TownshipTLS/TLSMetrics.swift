import Metrics

/// Counters: `township_tls_handshakes_total{side, result}` and
/// `township_tls_errors_total{side, reason}`.
enum TLSMetrics {
    static func handshakeSucceeded(side: TLSRole, resumed: Bool) {
        Counter(
            label: "township_tls_handshakes_total",
            dimensions: [("side", side.rawValue), ("result", resumed ? "resumed" : "success")]
        ).increment()
    }

    static func handshakeFailed(side: TLSRole) {
        Counter(
            label: "township_tls_handshakes_total",
            dimensions: [("side", side.rawValue), ("result", "failure")]
        ).increment()
    }

    static func error(_ error: TLSError, side: TLSRole) {
        Counter(
            label: "township_tls_errors_total",
            dimensions: [("side", side.rawValue), ("reason", error.metricsReason)]
        ).increment()
    }
}
