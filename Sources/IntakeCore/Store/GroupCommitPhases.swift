#if canImport(Glibc)
import Glibc
#endif

/// Where the group commit's writer spends a batch, summed over batches (nanoseconds): what
/// benchmarks print per level to tell SQL, the COMMIT's WAL write and fsync, the hops between
/// threads and waiting for a CPU apart. Taking them costs a few clock reads and three small
/// `/proc` reads (open, read, close) per batch, not per write: microseconds against a COMMIT's fsync.
public struct GroupCommitPhases: Sendable, Equatable {
    /// The batch taken off the queue → the writer's closure running (GRDB's writer queue).
    public var handoff: UInt64 = 0
    /// BEGIN and the batch's statements (each write's SQL, hashing, reply encoding), before COMMIT.
    public var sql: UInt64 = 0
    /// COMMIT: the WAL frames written and synced (and, with the plain settings, the writer's own checkpoint).
    public var commit: UInt64 = 0
    /// The commit done → every write of the batch told (continuations resumed).
    public var handBack: UInt64 = 0
    /// The batch told → the next batch taken, while writes were waiting (the drain task's hop back).
    public var between: UInt64 = 0
    /// The writer thread's CPU in `sql` and in `commit` (Linux: its schedstat).
    public var sqlCPU: UInt64 = 0
    public var commitCPU: UInt64 = 0
    /// The writer thread runnable but waiting for a CPU, inside `sql` + `commit` (Linux: schedstat).
    public var runQueue: UInt64 = 0
    /// COMMITs that ran while the WAL checkpointer was copying pages into the database file, and their time.
    public var commitsBesideCheckpoint = 0
    public var commitBesideCheckpoint: UInt64 = 0

    public init() {}

    mutating func add(_ more: GroupCommitPhases) {
        handoff &+= more.handoff; sql &+= more.sql; commit &+= more.commit; handBack &+= more.handBack
        between &+= more.between; sqlCPU &+= more.sqlCPU; commitCPU &+= more.commitCPU; runQueue &+= more.runQueue
        commitsBesideCheckpoint += more.commitsBesideCheckpoint; commitBesideCheckpoint &+= more.commitBesideCheckpoint
    }

    mutating func subtract(_ earlier: GroupCommitPhases) {
        handoff &-= earlier.handoff; sql &-= earlier.sql; commit &-= earlier.commit; handBack &-= earlier.handBack
        between &-= earlier.between; sqlCPU &-= earlier.sqlCPU; commitCPU &-= earlier.commitCPU; runQueue &-= earlier.runQueue
        commitsBesideCheckpoint -= earlier.commitsBesideCheckpoint; commitBesideCheckpoint &-= earlier.commitBesideCheckpoint
    }
}

/// The calling thread's CPU time and run-queue wait so far (Linux `/proc/thread-self/schedstat`;
/// zeros where it cannot be read). Public for benchmarks, which time their bare loops alike.
public struct ThreadSchedule: Sendable {
    public var cpu: UInt64 = 0
    public var runQueue: UInt64 = 0

    public static func now() -> ThreadSchedule {
        #if os(Linux)
        let fd = open("/proc/thread-self/schedstat", O_RDONLY)
        guard fd >= 0 else { return ThreadSchedule() }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 96)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return ThreadSchedule() }
        // "<cpu ns> <run-queue ns> <timeslices>\n"
        let fields = buffer[..<count].split(whereSeparator: { $0 == 0x20 || $0 == 0x0A })
        guard fields.count >= 2 else { return ThreadSchedule() }
        func number(_ field: ArraySlice<UInt8>) -> UInt64 { field.reduce(0) { $0 &* 10 &+ UInt64($1 &- 0x30) } }
        return ThreadSchedule(cpu: number(fields[0]), runQueue: number(fields[1]))
        #else
        return ThreadSchedule()
        #endif
    }
}
