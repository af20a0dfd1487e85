/// How many transactions the group commit formed of each size since the store opened: the
/// evidence of how far batching went under a load (benchmarks compare a bare SQLite loop at
/// exactly these sizes). Read-only; a snapshot, so two of them subtract to one interval.
public struct GroupCommitBatchSizes: Sendable, Equatable {
    /// `transactions[n]`: how many committed batches held exactly n writes (index 0 unused).
    public private(set) var transactions: [Int]
    /// Time the writer spent on those batches, SQL and commit (fsync) together: near the
    /// interval's length, the single writer is what limits.
    public private(set) var writerNanoseconds: UInt64 = 0
    /// The writer's time by phase, over the same batches.
    public private(set) var phases = GroupCommitPhases()

    init(maxBatch: Int) {
        transactions = Array(repeating: 0, count: maxBatch + 1)
    }

    mutating func record(batchOf size: Int, nanoseconds: UInt64, phases batch: GroupCommitPhases = GroupCommitPhases()) {
        transactions[min(size, transactions.count - 1)] += 1
        writerNanoseconds += nanoseconds
        phases.add(batch)
    }

    mutating func recordHandBack(_ nanoseconds: UInt64) { phases.handBack += nanoseconds }

    /// Batches formed.
    public var batchCount: Int { transactions.reduce(0, +) }
    /// Writes carried by those batches.
    public var writeCount: Int { transactions.enumerated().reduce(0) { $0 + $1.offset * $1.element } }

    /// What was formed between `earlier` and this snapshot.
    public func since(_ earlier: GroupCommitBatchSizes) -> GroupCommitBatchSizes {
        var difference = self
        difference.writerNanoseconds -= min(difference.writerNanoseconds, earlier.writerNanoseconds)
        difference.phases.subtract(earlier.phases)
        for size in transactions.indices where size < earlier.transactions.count {
            difference.transactions[size] -= earlier.transactions[size]
        }
        return difference
    }

    /// Power-of-two buckets (1, 2–3, 4–7, …, and the largest size alone), each with its count
    /// of batches and of writes.
    public var buckets: [(sizes: ClosedRange<Int>, batches: Int, writes: Int)] {
        var result: [(sizes: ClosedRange<Int>, batches: Int, writes: Int)] = []
        let largest = transactions.count - 1
        var low = 1
        while low <= largest {
            let high = low == largest ? largest : min(low * 2 - 1, largest - 1)
            let range = low...high
            result.append((range, range.reduce(0) { $0 + transactions[$1] }, range.reduce(0) { $0 + $1 * transactions[$1] }))
            low = high + 1
        }
        return result
    }
}

extension SQLiteTicketStore {
    /// The group commit's transactions by size since the store opened.
    public var groupCommitBatchSizes: GroupCommitBatchSizes { groupCommit.batchSizes }
}
