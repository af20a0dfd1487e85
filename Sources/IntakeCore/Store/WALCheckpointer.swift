import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// Checkpoints a WAL database from a connection of its own, so the single writer never copies
/// the WAL into the database file inside a commit (see `SQLiteEngineSettings`). `committed()`
/// after each commit wakes it; it runs one PASSIVE checkpoint at a time (which neither waits for
/// nor blocks the writer or readers) on its own dispatch queue, then rests `interval` seconds
/// before the next, so a stream of commits costs at most one checkpoint per interval.
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let interval: Double
    private let logger: Logger
    private let queue = DispatchQueue(label: "intake.wal-checkpoint")
    /// `running`: a checkpoint is scheduled or under way; `again`: a commit came since it
    /// started; `idleWaiters`: who waits for the checkpoints to stop (`idle()`).
    private let state = Mutex<(running: Bool, again: Bool, idleWaiters: [CheckedContinuation<Void, Never>])>((false, false, []))
    private let runs = Atomic<Int>(0)
    private let copying = Atomic<Bool>(false)
    private let copyNanoseconds = Atomic<UInt64>(0)
    private let walFrames = Atomic<Int>(0)

    public init(path: String, interval: Double, logger: Logger) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
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

    /// A commit made the WAL longer: checkpoint soon.
    public func committed() {
        let start = state.withLock { state -> Bool in
            guard !state.running else { state.again = true; return false }
            state.running = true
            return true
        }
        if start { queue.async { self.run() } }
    }

    private func run() {
        copying.store(true, ordering: .relaxed)
        let start = DispatchTime.now().uptimeNanoseconds
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
        let (again, idle) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            defer { state.again = false }
            guard !state.again else { return (true, []) }
            state.running = false
            defer { state.idleWaiters = [] }
            return (false, state.idleWaiters)
        }
        if again { queue.asyncAfter(deadline: .now() + interval) { self.run() } }
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
