import BenchmarkSupport
import IntakeCore

/// One level's figure, the batch sizes behind it and its two ceilings, as printed.
struct LevelOutcome {
    static let goalPerSecond = 5_000.0
    static let goalOfCeiling = 0.5

    let result: LoadResult
    /// The same level straight into the store (`--store-direct`), if run.
    let direct: LoadResult?
    let formed: GroupCommitBatchSizes
    let fsyncsPerSecond: Double
    /// The bare SQLite loop at `formed`'s batch sizes.
    let bare: BareSubmissionLoop.Rate
    /// The same bare loop with each transaction's search rows last, as intake writes them (a diagnostic).
    let bareSearchLast: BareSubmissionLoop.Rate
    /// Submissions/s of the bare SQLite loop at `formed`'s batch sizes.
    var bareCeiling: Double { bare.perSecond }

    var ratio: Double { result.requestsPerSecond / bareCeiling }
    var ratioToSearchLast: Double { result.requestsPerSecond / bareSearchLast.perSecond }

    func report() -> [String] {
        var lines = ["", "— \(result.concurrency) callers —", ReportTable.header(), ReportTable.row(result)]
        if let direct { lines.append(ReportTable.row(direct) + "  (diagnostic: its batches are not in the histogram below)") }
        lines += ["errors \(result.errors), overload refusals \(result.refusals)",
                     "group commit: \(formed.batchCount) transactions for \(formed.writeCount) submissions (warm-up and drain included), mean \(ReportTable.format(Double(formed.writeCount) / Double(max(1, formed.batchCount)), 1)) per transaction"]
        lines.append("  " + ReportTable.pad("batch size", 12) + ReportTable.pad("transactions", 14, right: true) + ReportTable.pad("submissions", 13, right: true))
        for bucket in formed.buckets where bucket.batches > 0 {
            let sizes = bucket.sizes.count == 1 ? "\(bucket.sizes.lowerBound)" : "\(bucket.sizes.lowerBound)–\(bucket.sizes.upperBound)"
            lines.append("  " + ReportTable.pad(sizes, 12) + ReportTable.pad("\(bucket.batches)", 14, right: true)
                + ReportTable.pad("\(bucket.writes)", 13, right: true))
        }
        let busy = Double(formed.writerNanoseconds) / 1e9
        lines.append("writer busy \(ReportTable.format(busy, 2)) s (SQL and commit; the level ran \(ReportTable.format(result.seconds, 0)) s + warm-up and drain): \(ReportTable.format(busy * 1e6 / Double(max(1, formed.writeCount)), 0)) µs per submission")
        let fsyncBound = fsyncsPerSecond * Double(formed.writeCount) / Double(max(1, formed.batchCount))
        lines.append("disk: \(ReportTable.format(fsyncsPerSecond, 0)) write+fsync/s in the database's directory (× mean batch = \(ReportTable.format(fsyncBound, 0)) submissions/s)")
        lines.append("bare SQLite loop at these batch sizes: \(ReportTable.format(bareCeiling, 0)) submissions/s; its thread per submission: "
            + "CPU \(ReportTable.format(bare.cpuMicros, 0)) µs, waiting for a CPU \(ReportTable.format(bare.runQueueMicros, 0)) µs")
        lines.append("figure \(ReportTable.format(result.requestsPerSecond, 0))/s ÷ bare ceiling \(ReportTable.format(bareCeiling, 0))/s = \(ReportTable.format(ratio, 2))")
        lines.append("diagnostic: the bare loop with each transaction's search rows last (as intake's group commit writes them): "
            + "\(ReportTable.format(bareSearchLast.perSecond, 0)) submissions/s, CPU \(ReportTable.format(bareSearchLast.cpuMicros, 0)) µs per submission; "
            + "figure ÷ it = \(ReportTable.format(ratioToSearchLast, 2))")
        return lines
    }

    static func goals(_ levels: [LevelOutcome]) -> [String] {
        var lines = ["goals: ≥ \(Int(goalPerSecond)) acknowledged/s and ≥ \(goalOfCeiling) of the bare SQLite ceiling at the same batch sizes, no errors"]
        for level in levels {
            let rate = level.result.requestsPerSecond
            let met = rate >= goalPerSecond && level.ratio >= goalOfCeiling && level.result.errors == 0
            lines.append("  " + ReportTable.pad("\(level.result.concurrency) callers:", 13) + ReportTable.pad(ReportTable.format(rate, 0) + "/s", 9, right: true)
                + "  ratio " + ReportTable.format(level.ratio, 2) + "  errors \(level.result.errors)  " + (met ? "MET" : "NOT MET")
                + "   (÷ the bare loop with search rows last: " + ReportTable.format(level.ratioToSearchLast, 2) + ")")
        }
        return lines
    }
}
