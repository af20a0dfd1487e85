import ArgumentParser
import Configuration
import Foundation
import IntakeCore
import IntakePostgresStore
import IntakeService
import Logging
import TownshipCatalogue
import TownshipCertificates
import TownshipServiceKit

/// Intake on the service kit: its settings, its store, its handlers and background services,
/// and its demo data. Everything else (`serve`, `seed`, `check-config`, TLS, metrics, the
/// graceful stop) is the kit's.
struct IntakeDefinition: TownshipServiceDefinition {
    static let catalogueEntry = ServiceCatalogue.service(named: "intake")!
    static let abstract = "The Township intake service: residents' tickets from report to closure."
    static let ownKeys = IntakeSettings.keys

    static func ownSettings(config: ConfigReader, files: ServiceFiles) throws -> IntakeSettings {
        try IntakeSettings(config: config, files: files)
    }

    struct SeedOptions: ParsableArguments {
        @Option(help: "How many tickets (the seed scale by default; 1000000 for benchmarks).")
        var tickets: Int = 10_000

        func validate() throws {
            guard (1...5_000_000).contains(tickets) else { throw ValidationError("--tickets must be within 1...5000000") }
        }
    }

    /// PostgreSQL when `database.url` is set, else the SQLite file in the state directory
    /// (WAL with synchronous FULL, see `SQLiteTicketStore`): a reply only after a durable commit.
    static func openStore(_ environment: ServiceEnvironment<Self>, logger: Logger) async throws -> any IntakeStore {
        let key = try SecretKeyFile.loadOrCreate(path: environment.own.checkpointKeyFile, setting: "ledger.checkpointKeyFile")
        if let url = environment.own.databaseURL {
            do {
                return try await PostgresTicketStore.open(url: url, password: try environment.own.databasePassword(),
                                                          maxConnections: environment.own.databaseMaxConnections,
                                                          configuration: environment.own.configuration, logger: logger, checkpointKey: key)
            } catch let error as PostgresTicketStore.OpenFailed {
                throw StoreUnavailable(path: error.url, reason: error.reason)
            }
        }
        let path = try environment.databasePath()
        do {
            return try SQLiteTicketStore(path: path, configuration: environment.own.configuration, logger: logger, checkpointKey: key)
        } catch let error as SQLiteTicketStore.OpenFailed {
            throw environment.storeUnavailable(path: path, reason: error.reason)
        }
    }

    static func makeServer(_ environment: ServiceEnvironment<Self>, logger: Logger) async throws -> ServedService {
        let store = try await openStore(environment, logger: Logger(label: "intake.store"))
        if store.referenceData().villages.isEmpty {
            logger.warning("no reference data yet: run `intake seed` first, or submissions will name unknown villages")
        }
        let directory = URL(fileURLWithPath: environment.settings.stateDirectory).appendingPathComponent("attachments", isDirectory: true)
        let attachments = try AttachmentService(store: store, directory: directory, limits: store.configuration.attachmentLimits)
        let cleaned = try await attachments.cleanUpOnStartup()
        logger.info("attachments checked", metadata: ["stale_partial": "\(cleaned.stalePartialFiles)", "orphaned": "\(cleaned.orphanedFiles)"])
        let service = IntakeService(store: store, attachments: attachments, callerPolicy: environment.settings.callerPolicy)
        // On PostgreSQL only the lease holder emits (45 s lease): passes every 15 s let another
        // replica take over within 60 s of the holder's last pass.
        let scheduler = DeadlineScheduler(store: store, clock: SystemClock(), policy: store.configuration.reminderPolicy,
                                          interval: environment.own.databaseURL == nil ? 60 : 15) { notice in
            // Each notice is in the ledger; the scheduler logs one line of counts per pass.
            logger.debug("deadline notice", metadata: ["ticket": "\(notice.ticketNumber)", "kind": "\(notice.kind)"])
        }
        return ServedService(router: service.makeRouter(), domainServices: [
            // First: stops last, so its final checkpoint follows every write.
            LedgerCheckpointService(store: store, clock: SystemClock(), interval: Double(environment.own.checkpointSeconds)),
            DeadlineSchedulerService(scheduler: scheduler),
        ])
    }

    static func hasData(_ environment: ServiceEnvironment<Self>) async throws -> String? {
        let head = try await openStore(environment, logger: quietLogger).ledgerHeadPosition()
        return head > 0 ? "ledger events (head position \(head))" : nil
    }

    static func seed(_ environment: ServiceEnvironment<Self>, options: SeedOptions, progress: Bool) async throws -> String {
        let store = try await openStore(environment, logger: quietLogger)
        let total = options.tickets
        let report = try await DemoDataLoader.load(into: store, ticketCount: total, progress: { done in
            if progress { print("seeded \(done)/\(total) tickets") }
        })
        let rate = Int(report.ticketsPerSecond.rounded())
        return "seeded \(report.tickets) tickets, \(report.ledgerEvents) ledger events in \(String(format: "%.1f", report.seconds)) s (\(rate) tickets/s) into \(environment.settings.stateDirectory)"
    }

    private static var quietLogger: Logger {
        var logger = Logger(label: "intake.seed")
        logger.logLevel = .warning
        return logger
    }
}
