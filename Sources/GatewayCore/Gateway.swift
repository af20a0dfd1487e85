import Foundation
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle
import TownshipRPC
import TownshipServiceRuntime
import TownshipTLS

/// The gateway: users and sessions, the JSON API over the wired backends, the cockpit
/// overview and live events, Open311, and the page. `application` serves HTTP; `services`
/// are what must run next to it (certificate reloads).
public final class Gateway: Sendable {
    public let settings: GatewaySettings
    public let store: UserStore
    public let overview: OverviewService
    public let backends: [any Backend]
    public let routes: [RouteDescription]
    /// The API keys of Open311 client applications.
    public let open311Keys: Open311APIKeyStore
    let responder: RouterResponder<GatewayRequestContext>
    let tlsContexts: [ReloadableTLSContext]
    /// Set when the gateway serves HTTPS itself.
    let httpsContext: ReloadableTLSContext?
    let logger: Logger

    /// Connects to every backend that has endpoints in `settings`.
    public convenience init(settings: GatewaySettings, store: UserStore, logger: Logger) throws {
        let connector = BackendConnector(
            certificatePath: settings.certificatePath, privateKeyPath: settings.privateKeyPath, caPath: settings.caPath,
            limits: settings.backendClientLimits, logger: logger)
        var backends: [any Backend] = []
        var contexts: [ReloadableTLSContext] = []
        for name in GatewaySettings.backendNames {
            guard let endpoints = settings.backendEndpoints[name] else { continue }
            guard let factory = BackendCatalog.factories[name] else {
                logger.warning("endpoints configured for a backend this gateway cannot talk to yet", metadata: ["backend": "\(name)"])
                continue
            }
            let (replicas, context) = try connector.replicas(
                for: name, endpoints: endpoints, breakerFailures: settings.breakerFailures, breakerCoolDown: settings.breakerCoolDown)
            backends.append(factory(replicas))
            contexts.append(context)
        }
        try self.init(settings: settings, store: store, backends: backends, tlsContexts: contexts, logger: logger)
    }

    public init(settings: GatewaySettings, store: UserStore, backends: [any Backend], tlsContexts: [ReloadableTLSContext] = [], logger: Logger) throws {
        self.settings = settings
        self.store = store
        self.backends = backends
        if let certificate = settings.httpsCertificatePath, let key = settings.httpsPrivateKeyPath {
            var configuration = TLSConfiguration.browserFacingServer(
                certificateChainPath: certificate, privateKeyPath: key, trustedCAPath: settings.caPath)
            configuration.handshakeTimeout = TimeAmount(settings.connectionLimits.handshakeTimeout)
            let https = try ReloadableTLSContext(configuration: configuration)
            httpsContext = https
            self.tlsContexts = tlsContexts + [https]
        } else {
            httpsContext = nil
            self.tlsContexts = tlsContexts
        }
        self.logger = logger
        overview = OverviewService(
            backends: backends,
            configuration: .init(
                budget: settings.overviewBudget, perBackend: settings.overviewBackendTimeout, cacheTTL: settings.overviewCacheTTL,
                breakerFailures: settings.breakerFailures, breakerCoolDown: settings.breakerCoolDown),
            logger: logger)

        let router = Router(context: GatewayRequestContext.self)
        // Request counts and durations by route, through swift-metrics.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ResponseCompressionMiddleware())
        router.add(middleware: Open311ErrorMiddleware())
        let sessions = SessionAuthenticator(store: store, cache: SessionCache(limits: settings.sessionCacheLimits))
        open311Keys = try Open311APIKeyStore(path: settings.open311.apiKeysPath(usersDatabasePath: settings.usersDatabasePath))
        let open311Access = Open311Access(sessions: sessions, keys: open311Keys, publicRead: settings.open311.publicRead)
        let table = RouteTable(router: router, sessions: sessions)
        AuthRoutes(
            store: store, throttle: LoginThrottle(limits: settings.loginLimits), trustedProxies: Set(settings.trustedProxies),
            sessions: sessions, sessionTTL: settings.sessionTTL
        ).add(to: table)
        CockpitRoutes(
            overview: overview, wiredBackends: Set(backends.map(\.name)), events: backends.lazy.compactMap(\.eventSource).first,
            logger: logger, heartbeat: settings.eventHeartbeat, overviewNoticeInterval: settings.overviewNoticeInterval, sessions: sessions,
            streams: EventStreamQuota(maxPerUser: settings.maxEventStreamsPerUser),
            staticSnapshot: settings.benchmarkStaticOverview ? StaticOverviewSnapshot(overview: overview) : nil
        ).add(to: table)
        for backend in backends {
            backend.addRoutes(to: table)
            if let intake = backend as? IntakeBackend {
                Open311Routes(intake: intake, settings: settings.open311, access: open311Access, scheme: httpsContext == nil ? "http" : "https")
                    .add(to: table)
            }
        }
        try StaticRoutes(wiredBackends: Set(backends.map(\.name))).add(to: table)
        responder = router.buildResponder()
        routes = table.routes
    }

    /// The HTTP server; `onServerRunning` learns the bound address (port 0 picks one).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        var appLogger = logger
        appLogger[metadataKey: "component"] = "http"
        return Application(
            responder: responder,
            server: .gateway(limits: settings.connectionLimits, tls: httpsContext),
            configuration: .init(address: .hostname(settings.httpHost, port: settings.httpPort), serverName: "township-gateway"),
            services: services, onServerRunning: onServerRunning, logger: appLogger)
    }

    /// The services that run beside the HTTP server.
    public var services: [any Service] {
        var services: [any Service] = []
        if !tlsContexts.isEmpty { services.append(CertificateReloader(contexts: tlsContexts, logger: logger)) }
        return services
    }

    public func shutdown() async {
        for backend in backends { await backend.shutdown() }
    }
}
