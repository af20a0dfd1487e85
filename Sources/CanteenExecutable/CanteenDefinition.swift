import ArgumentParser
import CanteenCore
import CanteenService
import Configuration
import Foundation
import Logging
import TownshipCatalogue
import TownshipCertificates
import TownshipServiceKit

/// canteen-meals on the service kit: its settings, its store, its handlers and its demo data.
/// Everything else (`serve`, `seed`, `check-config`, TLS, metrics, the graceful stop) is the kit's.
struct CanteenDefinition: TownshipServiceDefinition {
    static let catalogueEntry = ServiceCatalogue.service(named: "canteen-meals")!
    static let abstract = "The Township canteen-meals service: meal assistance for elders, from card to settlement and siting."
    static let ownKeys = CanteenSettings.keys

    static func ownSettings(config: ConfigReader, files: ServiceFiles) throws -> CanteenSettings {
        try CanteenSettings(config: config, files: files)
    }

    struct SeedOptions: ParsableArguments {
        @Option(help: "Multiplies the demo district's elders, canteens and stations (1 = the seed's 12,568 elders).")
        var scale: Double = 1

        @Option(help: "Meals each operating canteen served per day over the last month.")
        var mealsPerDay: Int = 120

        func validate() throws {
            guard scale > 0, scale <= 100 else { throw ValidationError("--scale must be within (0, 100]") }
            guard (0...10_000).contains(mealsPerDay) else { throw ValidationError("--meals-per-day must be within 0...10000") }
        }
    }

    /// WAL with synchronous FULL (see `CanteenStore`): a reply only after a durable commit.
    static func openStore(_ environment: ServiceEnvironment<Self>) throws -> CanteenStore {
        let path = try environment.databasePath()
        do {
            let key = try SecretKeyFile.loadOrCreate(path: environment.own.idLookupKeyFile, setting: "canteen.idLookupKeyFile")
            return try CanteenStore(path: path, idLookupKey: key, configuration: environment.own.configuration)
        } catch let error as CanteenStore.OpenFailed {
            throw environment.storeUnavailable(path: path, reason: error.reason)
        }
    }

    static func makeServer(_ environment: ServiceEnvironment<Self>, logger: Logger) async throws -> ServedService {
        let store = try openStore(environment)
        if try store.elderCount() == 0 {
            logger.warning("no elders yet: run `canteen-meals seed` for the demo district, or register elders")
        }
        let service = CanteenService(store: store, callerPolicy: environment.settings.callerPolicy)
        return ServedService(router: service.makeRouter())
    }

    static func hasData(_ environment: ServiceEnvironment<Self>) async throws -> String? {
        let count = try openStore(environment).elderCount()
        return count > 0 ? "\(count) elders" : nil
    }

    static func seed(_ environment: ServiceEnvironment<Self>, options: SeedOptions, progress: Bool) async throws -> String {
        let store = try openStore(environment)
        var printProgress: (@Sendable (String) -> Void)?
        if progress { printProgress = { (line: String) in print(line) } }
        let report = try DemoSeeder.load(into: store, scale: options.scale, mealsPerCanteenPerDay: options.mealsPerDay,
                                         progress: printProgress)
        return "seeded \(report.elders) elders, \(report.canteens) canteens, \(report.stations) stations, \(report.meals) meals in "
            + "\(String(format: "%.1f", report.seconds)) s into \(environment.settings.stateDirectory)"
    }
}
