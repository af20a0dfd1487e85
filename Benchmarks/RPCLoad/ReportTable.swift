import BenchmarkSupport
import Foundation

/// The ratios against issue 3's targets.
extension ReportTable {
    /// Per concurrency: TWP-TLS ÷ gRPC req/s, the p99s side by side, TWP-TLS ÷ plaintext req/s.
    static func ratios(_ results: [LoadResult], twpTLS: String, grpc: String, plaintext: String, targetConcurrency: Int) -> [String] {
        var lines = [pad("conc", 6) + pad("TWP-TLS÷gRPC req/s", 20, right: true) + pad("TWP-TLS p99 µs", 16, right: true)
            + pad("gRPC p99 µs", 13, right: true) + pad("TWP-TLS÷plain req/s", 21, right: true)]
        let levels = Array(Set(results.map(\.concurrency))).sorted()
        for level in levels {
            let tls = results.first { $0.stack == twpTLS && $0.concurrency == level }
            let g = results.first { $0.stack == grpc && $0.concurrency == level }
            let plain = results.first { $0.stack == plaintext && $0.concurrency == level }
            guard let tls else { continue }
            let overGRPC = g.map { format(tls.requestsPerSecond / $0.requestsPerSecond, 2) + "×" } ?? "-"
            let overPlain = plain.map { format(tls.requestsPerSecond / $0.requestsPerSecond, 2) } ?? "-"
            lines.append(pad("\(level)", 6) + pad(overGRPC, 20, right: true) + pad(format(tls.percentileMicros(99), 0), 16, right: true)
                + pad(g.map { format($0.percentileMicros(99), 0) } ?? "-", 13, right: true) + pad(overPlain, 21, right: true))
        }
        if let tls = results.first(where: { $0.stack == twpTLS && $0.concurrency == targetConcurrency }),
            let g = results.first(where: { $0.stack == grpc && $0.concurrency == targetConcurrency }),
            let plain = results.first(where: { $0.stack == plaintext && $0.concurrency == targetConcurrency })
        {
            let speedup = tls.requestsPerSecond / g.requestsPerSecond
            let ofCeiling = tls.requestsPerSecond / plain.requestsPerSecond
            lines.append("")
            lines.append("targets at concurrency \(targetConcurrency) (\(twpTLS)):")
            lines.append("  ≥ 3× gRPC req/s:          \(format(speedup, 2))×  \(speedup >= 3 ? "MET" : "MISSED")")
            lines.append("  p99 below gRPC's:         \(format(tls.percentileMicros(99), 0)) µs vs \(format(g.percentileMicros(99), 0)) µs  \(tls.percentileMicros(99) < g.percentileMicros(99) ? "MET" : "MISSED")")
            lines.append("  ≥ 0.5 of plaintext req/s: \(format(ofCeiling, 2))  \(ofCeiling >= 0.5 ? "MET" : "MISSED")")
        }
        return lines
    }
}
