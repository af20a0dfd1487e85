import ArgumentParser
import Configuration
import Foundation
import LiaisonCore
import LiaisonService
import Logging
import TownshipCatalogue
import TownshipRPC
import TownshipServiceKit
import TownshipServiceRuntime
import TownshipTLS

/// enterprise-liaison on the service kit: its settings, its store, its handlers and deadline
/// pass, and its demo data. Everything else (`serve`, `seed`, `check-config`, TLS, metrics, the
/// graceful stop) is the kit's.
struct LiaisonDefinition: TownshipServiceDefinition {
    static let catalogueEntry = ServiceCatalogue.service(named: "enterprise-liaison")!
    static let abstract = "The Township enterprise-liaison service: liaisons, visits, help and the half-monthly problem list."
    static let ownKeys = LiaisonSettings.keys

    static func ownSettings(config: ConfigReader, files: ServiceFiles) throws -> LiaisonSettings {
        try LiaisonSettings(config: config)
    }

    struct SeedOptions: ParsableArguments {
        @Option(help: "Multiply the seed's figures (1: 55 liaisons, 227 organisations; more for benchmarks).")
        var scale: Int = 1

        func validate() throws {
            guard (1...1000).contains(scale) else { throw ValidationError("--scale must be within 1...1000") }
        }
    }

    static func openStore(_ environment: ServiceEnvironment<Self>) throws -> LiaisonStore {
        let path = try environment.databasePath()
        do {
            return try LiaisonStore(path: path, policy: environment.own.policy)
        } catch let error as LiaisonStore.OpenFailed {
            throw environment.storeUnavailable(path: path, reason: error.reason)
        }
    }

    static func makeServer(_ environment: ServiceEnvironment<Self>, logger: Logger) async throws -> ServedService {
        let store = try openStore(environment)
        let clock = SystemLiaisonClock()
        let service = LiaisonService(store: store, callerPolicy: environment.settings.callerPolicy, clock: clock, limits: environment.own.limits)
        let intake = try intakeClient(environment)
        return ServedService(router: service.makeRouter(), domainServices: [
            DeadlinePassService(store: store, clock: clock, interval: .seconds(environment.own.deadlinePassSeconds),
                                idempotencyKeyHours: environment.own.idempotencyKeyHours,
                                logger: Logger(label: "enterprise-liaison.deadlines")),
            IntakeReferralService(store: store, client: intake.client, clock: clock, settings: environment.own.referral,
                                  logger: Logger(label: "enterprise-liaison.referrals")),
            // The kit reloads the server's certificate on SIGHUP; the client's is the same
            // file, so it is reloaded with it, or renewed certificates would reach intake only
            // after a restart.
            CertificateReloader(contexts: [intake.contexts], logger: Logger(label: "enterprise-liaison.intake-client")),
        ])
    }

    /// The TWP/1 client of intake: mutual TLS with this service's own certificate (it calls
    /// acting as itself, proto-spec §6), intake's identity checked on every endpoint.
    static func intakeClient(_ environment: ServiceEnvironment<Self>) throws -> (client: RPCClient, contexts: ReloadableTLSContext) {
        let settings = environment.settings
        let intakeIdentity = ServiceCatalogue.serviceIdentity("intake")
        let contexts = try ReloadableTLSContext(configuration: .client(
            certificateChainPath: settings.certificatePath, privateKeyPath: settings.privateKeyPath,
            trustedCAPath: settings.caPath, expectedServerIdentity: intakeIdentity))
        let logger = Logger(label: "enterprise-liaison.intake-client")
        let client = RPCClient(
            configuration: RPCClientConfiguration(endpoints: environment.own.intakeEndpoints, serverIdentity: intakeIdentity,
                                                  maxAttempts: environment.own.intakeMaxAttempts, logger: logger),
            security: TLSClientTransport(contexts: contexts, logger: logger))
        return (client, contexts)
    }

    static func hasData(_ environment: ServiceEnvironment<Self>) async throws -> String? {
        try openStore(environment).existingData()
    }

    static func seed(_ environment: ServiceEnvironment<Self>, options: SeedOptions, progress: Bool) async throws -> String {
        let store = try openStore(environment)
        let started = Date()
        if progress { print("generating the demo zone at scale \(options.scale)") }
        let data = DemoLiaisonData.make(now: SystemLiaisonClock().now(), scale: options.scale, policy: environment.own.policy)
        if progress { print("writing \(data.organisations.count) organisations, \(data.visits.count) visits, \(data.items.count) problem items") }
        try await store.load(data)
        let totals = HelpTotals.of(liaisons: data.liaisons, organisations: data.organisations, visits: data.visits.count, help: data.help)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        return "seeded \(data.liaisons.count) liaisons, \(data.organisations.count) organisations, \(data.visits.count) visits, "
            + "\(data.help.count) help records (\(totals.hires) hires, \(totals.taxBenefitFen / 100) yuan of tax benefits), "
            + "\(data.items.count) problem items in \(seconds) s into \(environment.settings.stateDirectory)"
    }
}
