import Logging
import TownshipCatalogue
import TownshipRPC
import TownshipServiceRuntime
import TownshipTLS

/// Makes the gateway's TWP/1 clients: mutual TLS with the gateway's certificate, each
/// backend checked against its own SPIFFE identity.
public struct BackendConnector: Sendable {
    public var certificatePath: String
    public var privateKeyPath: String
    public var caPath: String
    /// `backends.maxQueuedCalls`, `backends.closeTimeoutMilliseconds`.
    public var limits: ClientLimitSettings
    public var logger: Logger

    public init(certificatePath: String, privateKeyPath: String, caPath: String, limits: ClientLimitSettings = .init(), logger: Logger) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.caPath = caPath
        self.limits = limits
        self.logger = logger
    }

    /// The SPIFFE identity a backend must present (TownshipCatalogue).
    public static func identity(of service: String) -> String { ServiceCatalogue.serviceIdentity(service) }

    /// The client configuration of one backend: its endpoints and identity, the gateway's
    /// connect and retry policy, and the operator's limits. `maxAttempts` is 2 for a client
    /// that is the backend's only replica and 1 for one of several, whose retry goes to
    /// another replica instead (`BackendReplicas`).
    public func configuration(for service: String, endpoints: [RPCEndpoint], maxAttempts: Int = 2, logger: Logger) -> RPCClientConfiguration {
        var configuration = RPCClientConfiguration(
            endpoints: endpoints, serverIdentity: Self.identity(of: service), connectTimeout: .seconds(2),
            backoff: Backoff(initial: .milliseconds(50), maximum: .seconds(2)), maxAttempts: maxAttempts, logger: logger)
        limits.apply(to: &configuration)
        return configuration
    }

    /// One client per endpoint, each endpoint a replica of `service` behind its own breaker,
    /// and their shared TLS contexts (for reloading certificates on SIGHUP).
    public func replicas(
        for service: String, endpoints: [RPCEndpoint], breakerFailures: Int, breakerCoolDown: Duration
    ) throws -> (BackendReplicas, ReloadableTLSContext) {
        let contexts = try tlsContexts(for: service)
        let clients = endpoints.map { endpoint in
            var clientLogger = logger
            clientLogger[metadataKey: "backend"] = "\(service)"
            clientLogger[metadataKey: "replica"] = "\(endpoint)"
            return RPCClient(
                configuration: configuration(for: service, endpoints: [endpoint], maxAttempts: endpoints.count > 1 ? 1 : 2, logger: clientLogger),
                security: TLSClientTransport(contexts: contexts, logger: clientLogger))
        }
        var replicasLogger = logger
        replicasLogger[metadataKey: "backend"] = "\(service)"
        return (BackendReplicas(clients: clients, breakerFailures: breakerFailures, breakerCoolDown: breakerCoolDown, logger: replicasLogger), contexts)
    }

    private func tlsContexts(for service: String) throws -> ReloadableTLSContext {
        try ReloadableTLSContext(configuration: .client(
            certificateChainPath: certificatePath, privateKeyPath: privateKeyPath,
            trustedCAPath: caPath, expectedServerIdentity: Self.identity(of: service)))
    }

    /// The client and its TLS contexts (for reloading certificates on SIGHUP).
    public func client(for service: String, endpoints: [RPCEndpoint]) throws -> (RPCClient, ReloadableTLSContext) {
        let contexts = try tlsContexts(for: service)
        var clientLogger = logger
        clientLogger[metadataKey: "backend"] = "\(service)"
        let client = RPCClient(
            configuration: configuration(for: service, endpoints: endpoints, logger: clientLogger),
            security: TLSClientTransport(contexts: contexts, logger: clientLogger))
        return (client, contexts)
    }
}

/// The backends the gateway knows, by service name. A backend that has landed adds its
/// factory here; one with no endpoints configured is simply not wired.
public enum BackendCatalog {
    public typealias Factory = @Sendable (BackendReplicas) -> any Backend

    public static let factories: [String: Factory] = [
        "intake": { IntakeBackend(replicas: $0) },
        "canteen-meals": { CanteenBackend(replicas: $0) },
        "job-fair": { JobFairBackend(replicas: $0) },
        "enterprise-liaison": { LiaisonBackend(replicas: $0) },
    ]
}
