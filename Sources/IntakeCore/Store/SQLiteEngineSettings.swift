import GRDB

/// How intake's SQLite connections are tuned. None of it touches durability: every commit
/// still syncs the WAL (`synchronous = FULL`), so an acknowledged write survives power loss.
/// What it changes is which thread does the work and how much of it reaches the disk:
///
/// - `temp_store = MEMORY`: statement journals (and the group commit's savepoints, one per
///   write in a batch run again after a failure) keep their undo pages in a temporary file
///   unless told otherwise; in memory they cost no system calls (measured when every write had
///   its savepoint: 30–100 µs of writer CPU less per submission).
/// - `cache_size`: the page cache of each connection. Left at SQLite's 2 MiB: 64 MiB changed
///   neither the writer's CPU nor its pages per submission at 10,000 tickets (Benchmarks'
///   intake_writer_profile.py); the knob is here for much larger databases.
/// - The WAL checkpoint off the writer: by default the connection whose commit pushes the WAL
///   past 1,000 pages copies them all into the database file and syncs it, inside that commit,
///   while every waiting submission waits too. Here the writer's threshold is raised to
///   `writerCheckpointPages` (a backstop only) and `WALCheckpointer` runs PASSIVE checkpoints
///   on a connection of its own after commits, at most one per `checkpointInterval` (0.5 s).
/// - `mmap_size`: pages of the database file are read through a memory map instead of copied in
///   by `pread`. Every commit empties each reader's page cache (WAL mode), so with writes coming
///   in, a statistics round re-reads its few hundred pages; mapped, those reads cost no system
///   call and no copy. Measured on the uncached cockpit overview, 1M tickets, in alternated
///   pairs (`overview-uncached-compare.sh`): with 20 submissions/s beside it, p99 70 and 94 ms
///   mapped against 86 and 122 ms copied; write-free, 55 / 47 / 40 against 63 / 51 / 39 ms
///   (within the noise). The map reserves address space only;
///   the pages are the OS's file cache, shared by every connection. SQLite maps only what the
///   file holds, and intake never shrinks its file (no VACUUM, no auto-vacuum).
public struct SQLiteEngineSettings: Sendable, Equatable {
    /// Page cache per connection in KiB (default 2 MiB, SQLite's own).
    public var cacheKiB: Int
    /// Savepoint journals and temporary tables in memory instead of temporary files.
    public var tempStoreInMemory: Bool
    /// Checkpoint from another connection (`WALCheckpointer`) instead of inside the writer's commits.
    public var checkpointsOffWriter: Bool
    /// Seconds from one checkpointer run's start to the next while commits keep coming (default
    /// 0.5 s). Measured (IntakeSubmitLoad, third session): every 0.1 s the checkpointer copied
    /// 1.3–2.7 s of each 12 s level and a COMMIT beside it took about twice as long; every 0.5 s,
    /// 0.3–0.8 s (hot pages copied once per run, not five times). At 2,600 submissions/s of about
    /// 4 pages, 0.5 s is ~5,000 WAL frames, half the writer's backstop (`writerCheckpointPages`).
    public var checkpointInterval: Double
    /// The writer still checkpoints once the WAL holds this many pages (default 10,000, about
    /// 40 MiB): the WAL stays bounded even if the checkpointer falls behind.
    public var writerCheckpointPages: Int
    /// How much of the database file each connection reads through a memory map, in MiB
    /// (default 2,047: the system SQLite's ceiling, `SQLITE_MAX_MMAP_SIZE`, is just under 2 GiB,
    /// and larger values are cut to it; 0 reads everything with `pread`). Pages beyond it are
    /// copied as before.
    public var mappedMiB: Int

    public init(cacheKiB: Int, tempStoreInMemory: Bool, checkpointsOffWriter: Bool, checkpointInterval: Double,
                writerCheckpointPages: Int, mappedMiB: Int = 0) {
        self.cacheKiB = cacheKiB; self.tempStoreInMemory = tempStoreInMemory; self.checkpointsOffWriter = checkpointsOffWriter
        self.checkpointInterval = checkpointInterval; self.writerCheckpointPages = writerCheckpointPages; self.mappedMiB = mappedMiB
    }

    /// What intake runs with.
    public static let tuned = SQLiteEngineSettings(cacheKiB: 2 * 1024, tempStoreInMemory: true, checkpointsOffWriter: true,
                                                   checkpointInterval: 0.5, writerCheckpointPages: 10_000, mappedMiB: 2_047)
    /// SQLite's and GRDB's defaults (2 MiB cache, temporary files, the writer checkpoints at
    /// 1,000 pages, no memory map): what intake ran with before, kept for benchmarks' before/after
    /// comparisons.
    public static let plain = SQLiteEngineSettings(cacheKiB: 2 * 1024, tempStoreInMemory: false, checkpointsOffWriter: false,
                                                   checkpointInterval: 0.1, writerCheckpointPages: 1_000)

    /// Applies the settings of every connection (readers and the writer) to `configuration`,
    /// with `synchronous = FULL`.
    public func configure(_ configuration: inout Configuration) {
        let settings = self
        configuration.prepareDatabase { db in
            // FULL: the WAL is synced at every commit, so a returned write survives power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = \(-settings.cacheKiB)")
            if settings.tempStoreInMemory { try db.execute(sql: "PRAGMA temp_store = MEMORY") }
            try db.execute(sql: "PRAGMA mmap_size = \(settings.mappedMiB * 1024 * 1024)")
        }
    }

    /// The writer's own settings, once the pool is open (GRDB sets `synchronous = NORMAL` on the
    /// writer when it enables WAL, after `prepareDatabase` ran: FULL again here).
    public func configureWriter(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(checkpointsOffWriter ? writerCheckpointPages : 1_000)")
        }
    }
}
