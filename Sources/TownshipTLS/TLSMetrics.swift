import Metrics

/// Counters: `township_tls_handshakes_total{side, result}` (result: success, resumed,
/// failure) and `township_tls_errors_total{side, reason}` (reason: `TLSError.metricsReason`).
public struct TLSMetrics: Sendable {
    private let factory: (any MetricsFactory)?

    /// - Parameter factory: where counters go; `nil` means the global `MetricsSystem` at the
    ///   time each counter is incremented.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    func handshakeSucceeded(side: TLSRole, resumed: Bool) {
        counter("township_tls_handshakes_total", [("side", side.rawValue), ("result", resumed ? "resumed" : "success")])
    }

    func handshakeFailed(side: TLSRole) {
        counter("township_tls_handshakes_total", [("side", side.rawValue), ("result", "failure")])
    }

    func error(_ error: TLSError, side: TLSRole) {
        counter("township_tls_errors_total", [("side", side.rawValue), ("reason", error.metricsReason)])
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) {
        if let factory {
            Counter(label: label, dimensions: dimensions, factory: factory).increment()
        } else {
            Counter(label: label, dimensions: dimensions).increment()
        }
    }
}
