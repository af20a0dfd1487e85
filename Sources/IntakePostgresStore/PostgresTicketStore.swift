import Crypto
import Foundation
import GRDB
import IntakeCore
import Logging
import PostgresNIO
import Synchronization

/// `TicketStore` on PostgreSQL through postgres-nio's `PostgresClient` pool. Several
/// instances (replicas) may share one database: every write is one transaction that locks
/// what it changes (the ticket row, the number counter, the global chain's head row), so
/// numbers never repeat, each chain stays one chain, and ledger positions commit in order.
/// Commits are announced with NOTIFY, which wakes every replica's event streams.
public final class PostgresTicketStore: IntakeStore {
    public let configuration: IntakeConfiguration
    public let url: PostgresDatabaseURL
    let client: PostgresClient
    let clock: any IntakeClock
    let logger: Logger
    let checkpointKey: SymmetricKey?
    let catalogState: Mutex<ReferenceCatalog>
    let changeSignal = LedgerChangeSignal()
    /// Filed tickets: a debug line each, an info line per thousand (as the SQLite store).
    let submissionLog = SubmissionLog()
    private let tasks: Mutex<[Task<Void, Never>]>
    /// This replica in the scheduler lease.
    let replicaID = UUID().uuidString
    /// How long a held scheduler lease lasts without renewal (seconds).
    let schedulerLease: TimeInterval

    /// NOTIFY channel of committed ledger events; the payload is the newest position.
    static let ledgerChannel = "intake_ledger"

    /// Connecting or migrating failed; says where and why, never with the password.
    public struct OpenFailed: Error, CustomStringConvertible {
        public var url: String
        public var reason: String
        public var description: String { "cannot open the database \(url): \(reason)" }
    }

    /// Connects (pool of `maxConnections`), migrates, loads the reference data and starts
    /// listening for other replicas' commits. Call `close()` when done.
    /// `schedulerLease`: how long the deadline scheduler's lease lasts unrenewed, so how soon
    /// another replica takes over from a dead holder (plus one scheduler interval).
    public static func open(url: PostgresDatabaseURL, password: String?, maxConnections: Int = 20, schedulerLease: TimeInterval = 45,
                            configuration: IntakeConfiguration = IntakeConfiguration(), clock: any IntakeClock = SystemClock(),
                            logger: Logger = Logger(label: "intake.store"), checkpointKey: SymmetricKey? = nil) async throws -> PostgresTicketStore {
        // One direct connection first: the pool retries an unreachable server forever, and
        // `serve` must instead stop at once saying why (refused, authentication, TLS).
        _ = try await probe(url: url, password: password, logger: logger)
        let client = PostgresClient(configuration: clientConfiguration(url: url, password: password, maxConnections: maxConnections),
                                        backgroundLogger: logger)
        let runner = Task { await client.run() }
        do {
            try await PostgresSchema.migrate(client, logger: logger)
            let data = try await client.withConnection { try await PostgresReferenceData.load($0, logger) }
            let store = PostgresTicketStore(client: client, runner: runner, url: url, catalog: try ReferenceCatalog(data), schedulerLease: schedulerLease,
                                            configuration: configuration, clock: clock, logger: logger, checkpointKey: checkpointKey)
            try await store.startListening()
            return store
        } catch {
            runner.cancel()
            throw OpenFailed(url: url.description, reason: describe(error))
        }
    }

    private init(client: PostgresClient, runner: Task<Void, Never>, url: PostgresDatabaseURL, catalog: ReferenceCatalog, schedulerLease: TimeInterval,
                 configuration: IntakeConfiguration, clock: any IntakeClock, logger: Logger, checkpointKey: SymmetricKey?) {
        self.client = client
        self.url = url
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.checkpointKey = checkpointKey
        self.schedulerLease = schedulerLease
        catalogState = Mutex(catalog)
        tasks = Mutex([runner])
    }

    deinit { tasks.withLock { $0.forEach { $0.cancel() } } }

    /// Stops listening and closes the pool's connections.
    public func close() {
        tasks.withLock { $0.forEach { $0.cancel() } }
    }

    static func clientConfiguration(url: PostgresDatabaseURL, password: String?, maxConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = url.tls == .disable ? .disable : .require(tlsConfiguration(url.tls))
        var configuration = PostgresClient.Configuration(host: url.host, port: url.port, username: url.user, password: password,
                                                          database: url.database, tls: tls)
        configuration.options.maximumConnections = max(2, maxConnections)
        return configuration
    }

    /// `require`: TLS without checking the certificate (as libpq's sslmode=require);
    /// `verify-full`: the system's trust roots and the host name.
    static func tlsConfiguration(_ mode: PostgresDatabaseURL.TLSMode) -> TLSConfiguration {
        var settings = TLSConfiguration.makeClientConfiguration()
        if mode == .require { settings.certificateVerification = .none }
        return settings
    }

    /// Why a connection failed, in words an operator acts on (refused, authentication, TLS).
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let code = psql.serverInfo?[.sqlState] ?? ""
                let hint = code == "28P01" || code == "28000" ? " (authentication failed: check the user and database.passwordFile / TOWNSHIP_DATABASE_PASSWORD)" : ""
                return "server said: \(message) [\(code)]\(hint)"
            }
            if psql.code == .sslUnsupported {
                return "TLS: database.url asks for it (sslmode), but the server does not offer TLS"
            }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        return "\(error)"
    }

    /// Runs `body` in a transaction on a pooled connection. The caller sees the body's own
    /// error (an `IntakeError` stays one), not postgres-nio's wrapper; a failed commit or
    /// rollback is `unavailable` (retryable: nothing of it is known to be stored).
    static func transaction<Result: Sendable>(_ client: PostgresClient, _ logger: Logger,
                                              _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw IntakeError.unavailable("the database transaction failed (\(describe(error))); retry")
        }
    }

    /// A LISTEN on a connection of its own: another replica's commit wakes this store's streams.
    private func startListening() async throws {
        let signal = changeSignal
        let (client, logger) = (self.client, self.logger)
        let ready = AsyncStream<Void>.makeStream()
        let listener = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.ledgerChannel) { notifications in
                            ready.continuation.yield()
                            // Commits made while no LISTEN was active are found by the stream's next read.
                            signal.notify()
                            for try await _ in notifications { signal.notify() }
                        }
                    }
                } catch {
                    ready.continuation.yield()
                    if Task.isCancelled { break }
                    logger.warning("ledger LISTEN lost; reconnecting", metadata: ["error": "\(Self.describe(error))"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        tasks.withLock { $0.append(listener) }
        var iterator = ready.stream.makeAsyncIterator()
        _ = await iterator.next()
    }

    var catalog: ReferenceCatalog { catalogState.withLock { $0 } }

    var workflow: TicketWorkflow {
        TicketWorkflow(catalog: catalog, deadlines: DeadlineCalculator(calendar: configuration.calendar))
    }

    /// Connects without changing anything and returns the applied schema version and the
    /// version this build migrates to (check-config); `OpenFailed` says why it could not.
    public static func probe(url: PostgresDatabaseURL, password: String?, logger: Logger = Logger(label: "intake.store")) async throws -> (applied: Int64, latest: Int64) {
        do {
            let tls: PostgresConnection.Configuration.TLS
            switch url.tls {
            case .disable: tls = .disable
            case .require, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration(url.tls)))
            }
            var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: password,
                                                                 database: url.database, tls: tls)
            configuration.options.connectTimeout = .seconds(10)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            let applied: Int64
            do {
                applied = try await PostgresSchema.version(on: connection, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
            return (applied, PostgresSchema.latestVersion)
        } catch {
            throw OpenFailed(url: url.description, reason: describe(error))
        }
    }

    /// The applied schema version (what check-config reports).
    public func schemaVersion() async throws -> Int64 { try await PostgresSchema.version(client, logger: logger) }

    // MARK: Reference data

    public func replaceReferenceData(_ data: ReferenceData, by principal: Principal) async throws {
        guard principal.role == .admin else {
            throw IntakeError.permissionDenied("only admins change reference data (\(principal.role.rawValue) '\(principal.userID)' asked)")
        }
        let catalog: ReferenceCatalog
        do { catalog = try ReferenceCatalog(data) } catch { throw IntakeError.referenceData(error) }
        let logger = self.logger
        try await Self.transaction(client, logger) { try await PostgresReferenceData.replace(data, $0, logger) }
        catalogState.withLock { $0 = catalog }
    }

    public func referenceData() -> ReferenceData { catalog.data }
}
