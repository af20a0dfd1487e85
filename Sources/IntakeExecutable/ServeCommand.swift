import ArgumentParser
import Foundation
import IntakeCore
import IntakeService
import Logging
import TownshipServiceRuntime

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve TWP/1 on mutual TLS until SIGTERM.")

    @Option(help: "JSON configuration file (keys of `intake check-config`); TOWNSHIP_* variables override it.")
    var config: String?

    func run() async throws {
        do {
            try await serve()
        } catch {
            // One line an operator reads in the journal, naming the file, key, path or port at fault.
            for line in "\(error)".split(separator: "\n") {
                FileHandle.standardError.write(Data("intake: \(line)\n".utf8))
            }
            throw ExitCode.failure
        }
    }

    private func serve() async throws {
        let (settings, intake) = try await IntakeEnvironment.settings(configFile: config)
        let registry = TownshipServiceRunner.bootstrap(logLevel: settings.logLevel)
        let logger = Logger(label: "intake")
        let store = try IntakeEnvironment.openStore(settings, intake: intake, logger: Logger(label: "intake.store"))
        if store.referenceData().villages.isEmpty {
            logger.warning("no reference data yet: run `intake seed` first, or submissions will name unknown villages")
        }
        let attachments = try AttachmentService(store: store, directory: IntakeEnvironment.attachmentsDirectory(settings),
                                                limits: store.configuration.attachmentLimits)
        let cleaned = try await attachments.cleanUpOnStartup()
        logger.info("attachments checked", metadata: ["stale_partial": "\(cleaned.stalePartialFiles)", "orphaned": "\(cleaned.orphanedFiles)"])
        let service = IntakeService(store: store, attachments: attachments,
                                    callerPolicy: settings.callerPolicy)
        let scheduler = DeadlineScheduler(store: store, clock: SystemClock(), policy: store.configuration.reminderPolicy,
                                          interval: 60) { notice in
            // Each notice is in the ledger; the scheduler logs one line of counts per pass.
            logger.debug("deadline notice", metadata: ["ticket": "\(notice.ticketNumber)", "kind": "\(notice.kind)"])
        }
        try await TownshipServiceRunner.run(settings: settings, router: service.makeRouter(), registry: registry,
                                            domainServices: [
                                                // First: stops last, so its final checkpoint follows every write.
                                                LedgerCheckpointService(store: store, clock: SystemClock(), interval: Double(intake.checkpointSeconds)),
                                                DeadlineSchedulerService(scheduler: scheduler),
                                            ], logger: logger)
    }
}
