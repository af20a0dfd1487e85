import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import TownshipRPC
import TownshipTLS

/// Runs a Township service the same way for every executable: logging and metrics bootstrap,
/// the TWP/1 server on mutual TLS, `/metrics`, certificate reload on SIGHUP, and a graceful
/// stop on SIGTERM or SIGINT (GOAWAY, calls in flight finished, then the domain's own
/// services stopped, in reverse order of `domainServices`).
public enum TownshipServiceRunner {
    /// Bootstraps swift-log and swift-metrics; once per process.
    public static func bootstrap(logLevel: Logger.Level) -> PrometheusCollectorRegistry {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    public struct MissingFile: Error, CustomStringConvertible {
        public var path: String
        public var role: String
        public var description: String {
            "the \(role) \(path) does not exist: create the development certificates with `township certs`, or set tls.* in the configuration"
        }
    }

    /// The server's TLS contexts from the settings, with a clear error for missing files.
    public static func tlsContexts(_ settings: ServiceSettings) throws -> ReloadableTLSContext {
        for (path, role) in [(settings.certificatePath, "certificate"), (settings.privateKeyPath, "private key"), (settings.caPath, "CA certificate")] {
            guard FileManager.default.fileExists(atPath: path) else { throw MissingFile(path: path, role: role) }
        }
        return try ReloadableTLSContext(configuration: tlsConfiguration(settings))
    }

    /// The server's TLS configuration: the settings' files and TLS limits.
    public static func tlsConfiguration(_ settings: ServiceSettings) -> TLSConfiguration {
        var configuration = TLSConfiguration.server(
            certificateChainPath: settings.certificatePath, privateKeyPath: settings.privateKeyPath, trustedCAPath: settings.caPath)
        settings.limits.apply(to: &configuration)
        return configuration
    }

    /// The TWP/1 server's configuration: address, drain, caller policy and the settings' limits.
    /// Handlers run on their connection's event loop (`RPCHandlerExecution.connectionEventLoop`):
    /// a service's handlers await their store and never block the thread (a synchronous
    /// SQLite call goes to its own queue first), or that loop's other calls wait behind them.
    public static func serverConfiguration(_ settings: ServiceSettings, logger: Logger) -> RPCServerConfiguration {
        var configuration = RPCServerConfiguration(
            host: settings.rpcHost, port: settings.rpcPort,
            drainTimeout: .seconds(settings.drainSeconds),
            authorizeCaller: { [policy = settings.callerPolicy] in policy.allows($0) },
            mayForwardPrincipal: { [policy = settings.callerPolicy] in policy.mayForwardPrincipal($0) },
            logger: logger)
        settings.limits.apply(to: &configuration)
        return configuration
    }

    public static func run(
        settings: ServiceSettings, router: RPCRouter, registry: PrometheusCollectorRegistry,
        domainServices: [any Service] = [], logger: Logger
    ) async throws {
        let contexts = try tlsContexts(settings)
        let server = RPCServer(
            configuration: serverConfiguration(settings, logger: logger),
            router: router, security: TLSServerTransport(contexts: contexts, logger: logger))
        var services: [any Service] = domainServices
        services.append(CertificateReloader(contexts: [contexts], logger: logger))
        if settings.metricsPort > 0 {
            services.append(NamedListener(
                base: MetricsEndpoint.application(registry: registry, host: settings.metricsHost, port: settings.metricsPort, logger: logger),
                key: "metrics.port", host: settings.metricsHost, port: settings.metricsPort))
        }
        // Last in the list, first to stop: the RPC server drains before what it depends on.
        services.append(NamedListener(base: server, key: "rpc.port", host: settings.rpcHost, port: settings.rpcPort))
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("starting", metadata: ["service": "\(settings.serviceName)", "rpc": "\(settings.rpcHost):\(settings.rpcPort)"])
        try await group.run()
    }
}
