import ArgumentParser
import Configuration
import Foundation
import JobFairCore
import JobFairService
import Logging
import TownshipCatalogue
import TownshipServiceKit

/// Job-fair on the service kit: its settings, its store, its handlers, and its demo fair.
/// Everything else (`serve`, `seed`, `check-config`, TLS, metrics, the graceful stop) is the kit's.
struct JobFairDefinition: TownshipServiceDefinition {
    static let catalogueEntry = ServiceCatalogue.service(named: "job-fair")!
    static let abstract = "The Township job-fair service: fairs, positions and seekers, matched stably and explained."
    static let ownKeys = JobFairSettings.keys

    static func ownSettings(config: ConfigReader, files: ServiceFiles) throws -> JobFairSettings {
        try JobFairSettings(config: config)
    }

    struct SeedOptions: ParsableArguments {
        @Option(help: "Seekers at the demo fair (the seed scale, 3000, by default; more for benchmarks).")
        var seekers: Int = 3000

        @Option(help: "Hires recorded after the first round (the seed's 560 by default; at most the matches).")
        var hires: Int = 560

        @Option(help: "The demo generator's seed.")
        var seed: UInt64 = 2026

        func validate() throws {
            guard (1...1_000_000).contains(seekers) else { throw ValidationError("--seekers must be within 1...1000000") }
            guard (0...1_000_000).contains(hires) else { throw ValidationError("--hires must be within 0...1000000") }
        }
    }

    /// WAL with synchronous FULL (see `JobFairStore`).
    static func openStore(_ environment: ServiceEnvironment<Self>) throws -> JobFairStore {
        let path = try environment.databasePath()
        do {
            return try JobFairStore(path: path, limits: environment.own.limits)
        } catch let error as JobFairStore.OpenFailed {
            throw environment.storeUnavailable(path: path, reason: error.reason)
        }
    }

    static func makeServer(_ environment: ServiceEnvironment<Self>, logger: Logger) async throws -> ServedService {
        let store = try openStore(environment)
        if try await store.contentSummary() == nil {
            logger.warning("no fairs yet: run `job-fair seed` for the demo fair, or create one (CreateFair)")
        }
        let service = JobFairService(store: store, callerPolicy: environment.settings.callerPolicy)
        return ServedService(router: service.makeRouter())
    }

    static func hasData(_ environment: ServiceEnvironment<Self>) async throws -> String? {
        try await openStore(environment).contentSummary()
    }

    /// The demo fair (82 enterprises, 800+ positions, `--seekers` seekers), its first round,
    /// and `--hires` hires with some refusals and pending offers after it.
    static func seed(_ environment: ServiceEnvironment<Self>, options: SeedOptions, progress: Bool) async throws -> String {
        let started = Date()
        let store = try openStore(environment)
        // The demo fair keeps the generator's ids (fair 1, enterprises 1…82, positions from
        // 1000), so a second one cannot be added beside it: say so rather than fail on a key.
        if let existing = try await store.contentSummary() {
            throw ValidationError("\(environment.settings.stateDirectory) already holds \(existing); the demo fair has fixed ids and cannot be added twice (remove \(environment.entry.databaseFile) to seed again)")
        }
        var generator = DemoFairGenerator(seed: options.seed)
        generator.seekerCount = options.seekers
        let instance = generator.generate()
        if progress { print("generated \(instance.enterprises.count) enterprises, \(instance.positions.count) positions, \(instance.seekers.count) seekers") }
        try await store.load(instance)
        if progress { print("stored the fair; matching") }
        let round = try await store.runMatch(fairID: instance.fair.id)
        let hired = try await store.recordDemoOutcomes(fairID: instance.fair.id, hires: options.hires, refusals: options.hires / 20, pending: options.hires / 10)
        let seconds = Date().timeIntervalSince(started)
        return "seeded \(instance.enterprises.count) enterprises, \(instance.positions.count) positions, \(instance.seekers.count) seekers; round \(round.number): \(round.matched) matched, \(round.unmatched) unmatched, \(round.blockingPairs) blocking pairs; \(hired) hires in \(String(format: "%.1f", seconds)) s into \(environment.settings.stateDirectory)"
    }
}
