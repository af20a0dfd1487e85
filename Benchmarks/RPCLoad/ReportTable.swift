import BenchmarkSupport
import Foundation

/// The ratios, and issue 15 part 3's goals.
extension ReportTable {
    /// Per concurrency: TWP-TLS ÷ gRPC req/s, the p99s side by side, TWP-TLS ÷ plaintext req/s,
    /// and what that last ratio is made of: TLS ÷ plaintext CPU per call, and the CPU the
    /// process got while each ran (cores busy; req/s ratio = cores ratio ÷ CPU-per-call ratio).
    static func ratios(_ results: [LoadResult], twpTLS: String, grpc: String, plaintext: String, targetConcurrency: Int) -> [String] {
        var lines = [pad("conc", 6) + pad("TWP-TLS÷gRPC req/s", 20, right: true) + pad("TWP-TLS p99 µs", 16, right: true)
            + pad("gRPC p99 µs", 13, right: true) + pad("TWP-TLS÷plain req/s", 21, right: true)
            + pad("÷plain CPU/call", 17, right: true) + pad("cores busy TLS/plain", 22, right: true)]
        let levels = Array(Set(results.map(\.concurrency))).sorted()
        for level in levels {
            let tls = results.first { $0.stack == twpTLS && $0.concurrency == level }
            let g = results.first { $0.stack == grpc && $0.concurrency == level }
            let plain = results.first { $0.stack == plaintext && $0.concurrency == level }
            guard let tls else { continue }
            let overGRPC = g.map { format(tls.requestsPerSecond / $0.requestsPerSecond, 2) + "×" } ?? "-"
            let overPlain = plain.map { format(tls.requestsPerSecond / $0.requestsPerSecond, 2) } ?? "-"
            let cpuOverPlain = plain.map { format(tls.cpuMicrosPerCall / $0.cpuMicrosPerCall, 2) } ?? "-"
            let cores = format(tls.coresBusy, 2) + "/" + (plain.map { format($0.coresBusy, 2) } ?? "-")
            lines.append(pad("\(level)", 6) + pad(overGRPC, 20, right: true) + pad(format(tls.percentileMicros(99), 0), 16, right: true)
                + pad(g.map { format($0.percentileMicros(99), 0) } ?? "-", 13, right: true) + pad(overPlain, 21, right: true)
                + pad(cpuOverPlain, 17, right: true) + pad(cores, 22, right: true))
        }
        lines.append(contentsOf: goals(results, twpTLS: twpTLS, grpc: grpc, plaintext: plaintext, targetConcurrency: targetConcurrency))
        return lines
    }

    /// Issue 15 part 3, in one run: at `targetConcurrency` TWP/1 TLS (1 conn) keeps at least
    /// 0.9 of the plaintext ceiling and does at least 6× gRPC's req/s; at every level measured
    /// its p99 is below gRPC's.
    static func goals(_ results: [LoadResult], twpTLS: String, grpc: String, plaintext: String, targetConcurrency: Int) -> [String] {
        func verdict(_ met: Bool) -> String { met ? "MET" : "NOT MET" }
        var lines = ["", "goals (issue 15 part 3), \(twpTLS):"]
        /// TLS's req/s over `other`'s at the target level, nil if either was not measured.
        func ratio(over other: String) -> Double? {
            guard let tls = results.first(where: { $0.stack == twpTLS && $0.concurrency == targetConcurrency }),
                let base = results.first(where: { $0.stack == other && $0.concurrency == targetConcurrency }) else { return nil }
            return tls.requestsPerSecond / base.requestsPerSecond
        }
        for (goal, other, minimum, unit) in [("≥ 0.9 of plaintext req/s:", plaintext, 0.9, ""), ("≥ 6× gRPC req/s:         ", grpc, 6.0, "×")] {
            let measured = ratio(over: other).map { "\(format($0, 3))\(unit)  \(verdict($0 >= minimum))" } ?? "not measured"
            lines.append("  at \(targetConcurrency): \(goal)  \(measured)")
        }
        let pairs = Array(Set(results.map(\.concurrency))).sorted().compactMap { level -> (Int, LoadResult, LoadResult)? in
            guard let tls = results.first(where: { $0.stack == twpTLS && $0.concurrency == level }),
                let g = results.first(where: { $0.stack == grpc && $0.concurrency == level }) else { return nil }
            return (level, tls, g)
        }
        if pairs.isEmpty {
            lines.append("  p99 below gRPC's at every level:    not measured")
        } else {
            let detail = pairs.map { "\($0.0): \(format($0.1.percentileMicros(99), 0)) vs \(format($0.2.percentileMicros(99), 0))" }
            let met = pairs.allSatisfy { $0.1.percentileMicros(99) < $0.2.percentileMicros(99) }
            lines.append("  p99 below gRPC's at every level:    \(verdict(met))  (µs, TWP vs gRPC: \(detail.joined(separator: "; ")))")
        }
        return lines
    }
}
