import BenchmarkSupport
import IntakeCore

/// The checkpointer's counters at one moment; two of them subtract to a level.
struct CheckpointerSnapshot {
    var runs = 0
    var nanoseconds: UInt64 = 0
    var walFrames = 0

    init(_ checkpointer: WALCheckpointer?) {
        guard let checkpointer else { return }
        runs = checkpointer.checkpointCount
        nanoseconds = checkpointer.checkpointNanoseconds
        walFrames = checkpointer.walFramesAtLastCheckpoint
    }

    func since(_ earlier: CheckpointerSnapshot) -> CheckpointerSnapshot {
        var difference = self
        difference.runs -= earlier.runs
        difference.nanoseconds -= min(nanoseconds, earlier.nanoseconds)
        return difference
    }
}

/// One level's writer, phase by phase, per transaction and per submission (item 1 of issue 15's
/// third session: where the ~70 ms per transaction went).
enum WriterPhasesReport {
    static func lines(_ label: String, formed: GroupCommitBatchSizes, checkpoints: CheckpointerSnapshot?) -> [String] {
        let batches = Double(max(1, formed.batchCount))
        let writes = Double(max(1, formed.writeCount))
        let p = formed.phases
        func ms(_ ns: UInt64) -> String { ReportTable.format(Double(ns) / 1e6 / batches, 2) }
        func us(_ ns: UInt64) -> String { ReportTable.format(Double(ns) / 1e3 / writes, 0) }
        var lines = [
            "writer by phase, \(label) (\(formed.batchCount) transactions, \(formed.writeCount) submissions): ms per transaction (µs per submission)",
            "  handoff to the writer \(ms(p.handoff)) (\(us(p.handoff)))   SQL \(ms(p.sql)) (\(us(p.sql))), its CPU \(ms(p.sqlCPU)) (\(us(p.sqlCPU)))   "
                + "COMMIT \(ms(p.commit)) (\(us(p.commit))), its CPU \(ms(p.commitCPU)) (\(us(p.commitCPU)))",
            "  waiting for a CPU inside SQL+COMMIT \(ms(p.runQueue)) (\(us(p.runQueue)))   hand-back \(ms(p.handBack)) (\(us(p.handBack)))   "
                + "next batch taken after \(ms(p.between)) (\(us(p.between)))",
        ]
        let beside = p.commitsBesideCheckpoint
        let apart = formed.batchCount - beside
        let besideMean = Double(p.commitBesideCheckpoint) / 1e6 / Double(max(1, beside))
        let apartMean = Double(p.commit - min(p.commit, p.commitBesideCheckpoint)) / 1e6 / Double(max(1, apart))
        if let checkpoints {
            lines.append("  COMMIT while the checkpointer copied pages: \(beside) of \(formed.batchCount), mean \(ReportTable.format(besideMean, 2)) ms; "
                + "the others \(ReportTable.format(apartMean, 2)) ms; checkpoints \(checkpoints.runs), "
                + "\(ReportTable.format(Double(checkpoints.nanoseconds) / 1e9, 2)) s copying, WAL \(checkpoints.walFrames) frames at the last one")
        }
        return lines
    }
}
