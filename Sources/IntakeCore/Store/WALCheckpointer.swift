import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// Checkpoints a WAL database from a connection of its own, so the single writer never copies
/// the WAL into the database file inside a commit (see `SQLiteEngineSettings`). `committed()`
/// after each commit wakes it; it runs one PASSIVE checkpoint at a time (which neither waits for
/// nor blocks the writer or readers) on its own dispatch queue, and starts the next no sooner
/// than `interval` seconds after the previous one started, so a stream of commits costs at most
/// one checkpoint per interval. (Before, a commit arriving after a checkpoint had finished started
/// the next one at once: at 128 callers with a 0.5 s interval, 175 checkpoints in 12 s, each
/// copying pages the previous one had just copied and syncing the database file again.)
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let logger: Logger
    private let queue = DispatchQueue(label: "intake.wal-checkpoint")
    /// `running`: a checkpoint is scheduled or under way; `again`: a commit came since it
    /// started; `lastStart`: when the latest checkpoint started (uptime ns, 0: none yet);
    /// `due`: when the scheduled one starts; `idleWaiters`: who waits for the checkpoints to stop (`idle()`).
    private struct Schedule {
        var running = false
        var again = false
        var lastStart: UInt64 = 0
        var due: UInt64 = 0
        var idleWaiters: [CheckedContinuation<Void, Never>] = []

        /// The earliest start the interval allows from `now`.
        func earliestStart(now: UInt64, interval: UInt64) -> UInt64 {
            lastStart == 0 ? now : max(now, lastStart + interval)
        }
    }
    private let state = Mutex(Schedule())
    private let intervalNanoseconds: UInt64
    private let runs = Atomic<Int>(0)
    private let copying = Atomic<Bool>(false)
    private let copyNanoseconds = Atomic<UInt64>(0)
    private let walFrames = Atomic<Int>(0)

    public init(path: String, interval: Double, logger: Logger) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        intervalNanoseconds = UInt64(max(0, interval) * 1e9)
        self.logger = logger
    }

    /// Checkpoints run so far.
    public var checkpointCount: Int { runs.load(ordering: .relaxed) }
    /// Whether a checkpoint is copying pages into the database file right now.
    public var isCopying: Bool { copying.load(ordering: .relaxed) }
    /// Time spent in checkpoints so far (copying and syncing the database file), nanoseconds.
    public var checkpointNanoseconds: UInt64 { copyNanoseconds.load(ordering: .relaxed) }
    /// The WAL's length in frames (pages) when the last checkpoint ran: whether it restarts or keeps growing.
    public var walFramesAtLastCheckpoint: Int { walFrames.load(ordering: .relaxed) }
    /// Seconds until the scheduled checkpoint starts (0 when it is under way or none is scheduled).
    public var secondsUntilNextCheckpoint: Double {
        state.withLock { state in
            guard state.running else { return 0 }
            return Double(state.due - min(state.due, DispatchTime.now().uptimeNanoseconds)) / 1e9
        }
    }

    /// A commit made the WAL longer: checkpoint soon.
    public func committed() {
        let due = state.withLock { state -> UInt64? in
            guard !state.running else { state.again = true; return nil }
            state.running = true
            state.due = state.earliestStart(now: DispatchTime.now().uptimeNanoseconds, interval: intervalNanoseconds)
            return state.due
        }
        if let due { schedule(at: due) }
    }

    private func schedule(at due: UInt64) {
        queue.asyncAfter(deadline: DispatchTime(uptimeNanoseconds: due)) { self.run() }
    }

    private func run() {
        let start = DispatchTime.now().uptimeNanoseconds
        state.withLock { $0.lastStart = start }
        copying.store(true, ordering: .relaxed)
        do {
            let frames = try connection.writeWithoutTransaction { db in try db.checkpoint(.passive).walFrameCount }
            walFrames.store(frames, ordering: .relaxed)
        } catch {
            // The writer's own threshold (`writerCheckpointPages`) still bounds the WAL.
            logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
        }
        copyNanoseconds.add(DispatchTime.now().uptimeNanoseconds - start, ordering: .relaxed)
        copying.store(false, ordering: .relaxed)
        runs.add(1, ordering: .relaxed)
        let (next, idle) = state.withLock { state -> (UInt64?, [CheckedContinuation<Void, Never>]) in
            defer { state.again = false }
            guard !state.again else {
                state.due = state.earliestStart(now: DispatchTime.now().uptimeNanoseconds, interval: intervalNanoseconds)
                return (state.due, [])
            }
            state.running = false
            defer { state.idleWaiters = [] }
            return (nil, state.idleWaiters)
        }
        if let next { schedule(at: next) }
        for waiter in idle { waiter.resume() }
    }

    /// Returns once no checkpoint is under way or scheduled: every commit told so far is in the
    /// database file, unless a reader held the WAL back.
    public func idle() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                guard state.running else { return true }
                state.idleWaiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }
}
