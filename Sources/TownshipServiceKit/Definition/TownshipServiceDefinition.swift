import ArgumentParser
import Configuration
import Logging
import ServiceLifecycle
import TownshipCatalogue
import TownshipRPC
import TownshipServiceRuntime

/// What a Township service is, beyond what every service shares: its catalogue entry, its own
/// configuration keys, how it builds its handlers over its store, and how it loads demo data.
/// The kit turns a conforming type into the executable's `serve`, `seed` and `check-config`
/// (`ServiceCommands`), with the shared settings, the typed configuration check, mutual TLS,
/// `/metrics`, certificate reload and a graceful stop, so a service writes only its domain.
public protocol TownshipServiceDefinition: Sendable {
    /// The service's own settings, read and checked from the configuration.
    associatedtype OwnSettings: Sendable = Void
    /// `seed`'s options besides `--config` and `--force` (e.g. intake's `--tickets`).
    associatedtype SeedOptions: ParsableArguments = NoSeedOptions

    /// Name, default ports, identity and database file.
    static var catalogueEntry: CatalogueService { get }
    /// One line for `--help`.
    static var abstract: String { get }

    /// The service's own configuration keys (the shared ones are `ServiceSettings.knownKeys`).
    static var ownKeys: [String: ConfigurationValueKind] { get }
    /// Reads and checks the service's own settings; throws `ServiceSettings.Invalid` naming the key.
    static func ownSettings(config: ConfigReader, files: ServiceFiles) throws -> OwnSettings

    /// The handlers and background services `serve` runs. Domain services stop after the
    /// RPC server has drained, in reverse order of the list.
    static func makeServer(_ environment: ServiceEnvironment<Self>, logger: Logger) async throws -> ServedService

    /// Whether the store already holds data `seed` would add to (seed refuses without `--force`).
    static func hasData(_ environment: ServiceEnvironment<Self>) async throws -> String?
    /// Loads the demo data; returns the line `seed` prints.
    static func seed(_ environment: ServiceEnvironment<Self>, options: SeedOptions, progress: Bool) async throws -> String
}

extension TownshipServiceDefinition where OwnSettings == Void {
    public static var ownKeys: [String: ConfigurationValueKind] { [:] }
    public static func ownSettings(config: ConfigReader, files: ServiceFiles) throws {}
}

/// `seed` with no options of its own.
public struct NoSeedOptions: ParsableArguments {
    public init() {}
}

/// What `serve` runs for a service.
public struct ServedService: Sendable {
    public var router: RPCRouter
    public var domainServices: [any Service]

    public init(router: RPCRouter, domainServices: [any Service] = []) {
        self.router = router
        self.domainServices = domainServices
    }
}
