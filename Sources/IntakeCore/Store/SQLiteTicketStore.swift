import Crypto
import Foundation
import GRDB
import Logging
import Synchronization

/// `TicketStore` on SQLite through GRDB: a WAL `DatabasePool` with `synchronous = FULL`, so a
/// write returns only once it is durable; readers never block the single writer. The
/// connections' tuning is `IntakeConfiguration.sqlite` (see SQLiteEngineSettings).
public final class SQLiteTicketStore: IntakeStore {
    let pool: DatabasePool
    public let configuration: IntakeConfiguration
    let clock: any IntakeClock
    let logger: Logger
    let catalogState: Mutex<ReferenceCatalog>
    let changeSignal = LedgerChangeSignal()
    /// Filed tickets: a debug line each, an info line per thousand (see SubmissionLog).
    let submissionLog = SubmissionLog()
    /// Submissions and workflow actions commit through here (see GroupCommit).
    let groupCommit: GroupCommit
    /// Checkpoints the WAL off the writer (nil with `SQLiteEngineSettings.checkpointsOffWriter` off).
    public let checkpointer: WALCheckpointer?
    /// Signs the ledger's checkpoints (`LedgerCheckpoints`); nil: none are written or checked.
    let checkpointKey: SymmetricKey?

    /// The database could not be opened or migrated; SQLite's own message does not name the file.
    public struct OpenFailed: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot open the database \(path): \(reason)" }
    }

    public init(path: String, configuration: IntakeConfiguration = IntakeConfiguration(),
                clock: any IntakeClock = SystemClock(), logger: Logger = Logger(label: "intake.store"),
                checkpointKey: SymmetricKey? = nil) throws {
        self.checkpointKey = checkpointKey
        var config = Configuration()
        config.busyMode = .timeout(10)
        configuration.sqlite.configure(&config)
        let walCheckpointer: WALCheckpointer?
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try configuration.sqlite.configureWriter(pool)
            try Schema.migrator.migrate(pool)
            walCheckpointer = configuration.sqlite.checkpointsOffWriter
                ? try WALCheckpointer(path: path, interval: configuration.sqlite.checkpointInterval, logger: logger) : nil
        } catch let error as DatabaseError {
            throw OpenFailed(path: path, reason: "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error)")")
        }
        checkpointer = walCheckpointer
        var afterCommit: (@Sendable () -> Void)?
        var checkpointing: (@Sendable () -> Bool)?
        if let walCheckpointer {
            afterCommit = { walCheckpointer.committed() }
            checkpointing = { walCheckpointer.isCopying }
        }
        let retention = configuration.idempotencyRetention
        let pruneLimit = max(1, configuration.idempotencyPrunePerBatch)
        groupCommit = GroupCommit(pool: pool, maxQueued: configuration.groupCommitQueueLimit, afterCommit: afterCommit,
                                  checkpointing: checkpointing, housekeeping: { db in
                                      try IdempotentCalls.prune(notBefore: clock.now().addingTimeInterval(-retention), limit: pruneLimit, db: db)
                                  })
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let data = try pool.read { db in try ReferenceDataStorage.load(db) }
        catalogState = Mutex(try ReferenceCatalog(data))
    }

    var catalog: ReferenceCatalog { catalogState.withLock { $0 } }

    var workflow: TicketWorkflow {
        TicketWorkflow(catalog: catalog, deadlines: DeadlineCalculator(calendar: configuration.calendar))
    }

    /// The journal mode and synchronous level the connections actually run with.
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
    }

    // MARK: Reference data

    public func replaceReferenceData(_ data: ReferenceData, by principal: Principal) async throws {
        guard principal.role == .admin else {
            throw IntakeError.permissionDenied("only admins change reference data (\(principal.role.rawValue) '\(principal.userID)' asked)")
        }
        let catalog: ReferenceCatalog
        do { catalog = try ReferenceCatalog(data) } catch { throw IntakeError.referenceData(error) }
        try await pool.write { db in try ReferenceDataStorage.replace(data, db: db) }
        catalogState.withLock { $0 = catalog }
    }

    public func referenceData() -> ReferenceData { catalog.data }
}
