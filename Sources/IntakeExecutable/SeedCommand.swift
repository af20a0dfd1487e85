import ArgumentParser
import Foundation
import IntakeCore
import Logging

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Load the demo township and its tickets into state.directory.")

    @Option(help: "JSON configuration file.")
    var config: String?

    @Option(help: "How many tickets (the seed scale by default; 1000000 for benchmarks).")
    var tickets: Int = 10_000

    @Flag(help: "Print progress while loading.")
    var progress = false

    @Flag(help: "Seed even if the database already holds tickets (adds to them).")
    var force = false

    func validate() throws {
        guard (1...5_000_000).contains(tickets) else { throw ValidationError("--tickets must be within 1...5000000") }
    }

    func run() async throws {
        let (settings, intake) = try await IntakeEnvironment.settings(configFile: config)
        var logger = Logger(label: "intake.seed")
        logger.logLevel = .warning
        let store = try IntakeEnvironment.openStore(settings, intake: intake, logger: logger)
        let existing = try await store.ledgerHeadPosition()
        if existing > 0 && !force {
            throw ValidationError("\(settings.stateDirectory) already holds ledger events (head position \(existing)); refusing to seed twice (use --force)")
        }
        let total = tickets
        let showProgress = progress
        let report = try await DemoDataLoader.load(into: store, ticketCount: total, progress: { done in
            if showProgress { print("seeded \(done)/\(total) tickets") }
        })
        let rate = Int(report.ticketsPerSecond.rounded())
        print("seeded \(report.tickets) tickets, \(report.ledgerEvents) ledger events in \(String(format: "%.1f", report.seconds)) s (\(rate) tickets/s) into \(settings.stateDirectory)")
    }
}
