import Configuration
import Logging
import TownshipCatalogue
import TownshipRPC

/// What every Township service reads from its configuration. Keys (JSON file / environment):
///
/// | key | environment | meaning |
/// | --- | --- | --- |
/// | `rpc.host`, `rpc.port` | `TOWNSHIP_RPC_HOST`, `TOWNSHIP_RPC_PORT` | where the TWP/1 server listens |
/// | `tls.certificate`, `tls.key`, `tls.ca` | `TOWNSHIP_TLS_CERTIFICATE`, … | this service's PEM certificate chain and key, and the suite's CA |
/// | `metrics.host`, `metrics.port` | `TOWNSHIP_METRICS_HOST`, `TOWNSHIP_METRICS_PORT` | Prometheus `/metrics` and `/healthz` over HTTP; port 0 turns it off |
/// | `state.directory` | `TOWNSHIP_STATE_DIRECTORY` | where the service keeps its database and files |
/// | `log.level` | `TOWNSHIP_LOG_LEVEL` | trace, debug, info, notice, warning, error, critical |
/// | `callers.allowed` | `TOWNSHIP_CALLERS_ALLOWED` | SPIFFE identities that may call (comma-separated); `admin/*` matches every admin tool |
/// | `callers.services` | `TOWNSHIP_CALLERS_SERVICES` | services that may call acting as themselves, without a forwarded principal (comma-separated exact `spiffe://township.local/service/<name>` identities; default none): each is allowed to call, resolves to a `ServicePrincipal` for itself (`isService`), may never forward a principal, and reaches only the methods the called service admits services to |
/// | `rpc.drainSeconds` | `TOWNSHIP_RPC_DRAIN_SECONDS` | how long a graceful stop waits for calls in flight |
/// | `rpc.*`, `tls.*` limits | … | see `ServerLimitSettings` |
public struct ServiceSettings: Sendable {
    public var serviceName: String
    public var rpcHost: String
    public var rpcPort: Int
    public var certificatePath: String
    public var privateKeyPath: String
    public var caPath: String
    public var metricsHost: String
    public var metricsPort: Int
    public var stateDirectory: String
    public var logLevel: Logger.Level
    public var allowedCallers: [String]
    /// `callers.services`: services acting as themselves (proto-spec §6). Default none.
    public var serviceCallers: [String]
    public var drainSeconds: Int
    /// The TWP/1 server's and its TLS's limits.
    public var limits: ServerLimitSettings

    /// Every key the services accept, for tools that check configuration files.
    public static let knownKeys: [String: ConfigurationValueKind] = [
        "rpc.host": .string, "rpc.port": .integer, "rpc.drainSeconds": .integer,
        "tls.certificate": .string, "tls.key": .string, "tls.ca": .string,
        "metrics.host": .string, "metrics.port": .integer, "state.directory": .string, "log.level": .string,
        "callers.allowed": .stringList, "callers.services": .stringList,
    ].merging(ServerLimitSettings.knownKeys) { shared, _ in shared }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public init(serviceName: String, defaultPort: Int, defaultMetricsPort: Int, config: ConfigReader) throws {
        self.serviceName = serviceName
        rpcHost = config.string(forKey: "rpc.host", default: "127.0.0.1")
        rpcPort = config.int(forKey: "rpc.port", default: defaultPort)
        drainSeconds = config.int(forKey: "rpc.drainSeconds", default: 30)
        let certificateDirectory = "state/certs"
        certificatePath = config.string(forKey: "tls.certificate", default: "\(certificateDirectory)/service-\(serviceName).crt")
        privateKeyPath = config.string(forKey: "tls.key", default: "\(certificateDirectory)/service-\(serviceName).key")
        caPath = config.string(forKey: "tls.ca", default: "\(certificateDirectory)/ca.crt")
        metricsHost = config.string(forKey: "metrics.host", default: "127.0.0.1")
        metricsPort = config.int(forKey: "metrics.port", default: defaultMetricsPort)
        stateDirectory = config.string(forKey: "state.directory", default: "state/\(serviceName)")
        let level = config.string(forKey: "log.level", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw Invalid(description: "log.level '\(level)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        logLevel = parsed
        allowedCallers = config.stringArray(forKey: "callers.allowed", default: ServiceCatalogue.defaultAllowedCallers)
        serviceCallers = config.stringArray(forKey: "callers.services", default: [])
        try Self.checkServiceCallers(serviceCallers)
        guard (0...65535).contains(rpcPort), (0...65535).contains(metricsPort) else {
            throw Invalid(description: "ports must be within 0...65535 (rpc.port \(rpcPort), metrics.port \(metricsPort))")
        }
        guard drainSeconds >= 0 else { throw Invalid(description: "rpc.drainSeconds must not be negative") }
        limits = try ServerLimitSettings(config: config)
    }

    /// The files these settings name, each with its key, for `ServiceConfigurationCheck`.
    public var referencedFiles: [(key: String, path: String)] {
        [("tls.certificate", certificatePath), ("tls.key", privateKeyPath), ("tls.ca", caPath)]
    }

    /// The checks of `ServiceConfigurationCheck` for a service: the file against `knownKeys`
    /// (`ServiceSettings.knownKeys` plus the service's own), the settings as read, the files
    /// they name and the state directory. `serve` runs this before it starts; `check-config` too.
    public static func checked(serviceName: String, defaultPort: Int, defaultMetricsPort: Int, configFile: String?,
                               knownKeys: [String: ConfigurationValueKind] = knownKeys) async throws -> (ServiceSettings, ConfigReader) {
        try ServiceConfigurationCheck.checkFile(configFile, knownKeys: knownKeys)
        try ServiceConfigurationCheck.checkEnvironment(knownKeys: knownKeys)
        let reader = try await ConfigurationSources.reader(configFile: configFile)
        let settings = try ServiceSettings(serviceName: serviceName, defaultPort: defaultPort, defaultMetricsPort: defaultMetricsPort, config: reader)
        try ServiceConfigurationCheck.checkReadable(settings.referencedFiles)
        try ServiceConfigurationCheck.checkWritableDirectory(key: "state.directory", path: settings.stateDirectory)
        return (settings, reader)
    }

    /// `checked` with the service's name and default ports from the catalogue.
    public static func checked(service: CatalogueService, configFile: String?,
                               knownKeys: [String: ConfigurationValueKind] = knownKeys) async throws -> (ServiceSettings, ConfigReader) {
        try await checked(serviceName: service.name, defaultPort: service.rpcPort, defaultMetricsPort: service.metricsPort,
                          configFile: configFile, knownKeys: knownKeys)
    }

    /// Who may call, who may speak for an end user (the gateway only) and which services act
    /// as themselves (see proto-spec §6).
    public var callerPolicy: CallerPolicy {
        CallerPolicy(allowedCallers: allowedCallers, serviceCallers: Set(serviceCallers))
    }

    /// Each entry of `callers.services` is one service's exact identity, not a pattern, and not
    /// the gateway's (the gateway always acts for a signed-in user).
    static func checkServiceCallers(_ identities: [String]) throws {
        let prefix = "spiffe://\(ServiceCatalogue.trustDomain)/service/"
        for identity in identities {
            let name = identity.hasPrefix(prefix) ? String(identity.dropFirst(prefix.count)) : ""
            let nameIsValid = name.utf8.count <= 63 && name.first.map { $0.isASCII && $0.isLowercase } == true
                && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            guard nameIsValid else {
                throw Invalid(description: "callers.services: '\(identity)' is not a service identity \(prefix)<name> (exact, no patterns)")
            }
            guard identity != ServiceCatalogue.Gateway.identity else {
                throw Invalid(description: "callers.services: the gateway always acts for a signed-in user; it belongs in callers.allowed only")
            }
        }
    }
}
