import Configuration
import Foundation
import TownshipCatalogue
import TownshipRPC
import TownshipServiceRuntime

/// What the gateway reads from its configuration (JSON file given with `--config`, or
/// `TOWNSHIP_*` environment variables, through `ConfigurationSources`).
///
/// | key | meaning |
/// | --- | --- |
/// | `http.host`, `http.port` | where the HTTP API and the cockpit page listen |
/// | `http.headerTimeoutMilliseconds` | from a request's first byte to the end of its head (10000) |
/// | `http.bodyTimeoutMilliseconds` | from the end of a request's head to the end of its body (60000) |
/// | `http.idleTimeoutMilliseconds` | how long a connection may stay silent with no request in progress (60000) |
/// | `http.maxConnections` | connections open at once; beyond it new ones get 503 or are closed (1000) |
/// | `https.certificate`, `https.key` | when both are set, `http.port` serves HTTPS with this chain and key |
/// | `https.handshakeTimeoutMilliseconds` | from the connection to the end of the TLS handshake (10000) |
/// | `tls.certificate`, `tls.key`, `tls.ca` | the gateway's client certificate and key, and the suite's CA |
/// | `backends.maxQueuedCalls`, `backends.closeTimeoutMilliseconds` | every backend client's limits (1024; 5000), see `ClientLimitSettings` |
/// | `backends.<name>.endpoints` | `host:port` list of a backend's replicas (a JSON array, or comma-separated in `TOWNSHIP_BACKENDS_<NAME>_ENDPOINTS`), each once; absent: not wired |
/// | `users.database` | SQLite file of users and sessions |
/// | `users.bcryptCost` | bcrypt cost of new password hashes (10 to 16; 12 by default) |
/// | `users.seedDemo` | create the demo users when the database has none |
/// | `session.ttlSeconds` | lifetime of a session token |
/// | `session.cacheMilliseconds`, `session.cacheMaxEntries` | how long a looked-up session is believed without reading the database (10000; 0 = off), and tokens remembered at once (10000), see `SessionCache` |
/// | `login.maxFailures` | failed sign-ins in a row on one login from one address before each further try waits (5) |
/// | `login.delaySeconds`, `login.maxDelaySeconds` | that wait: first (1), doubling up to (60) |
/// | `login.maxFailuresPerAddress`, `login.lockoutSeconds` | failures from one address (any logins) before it is refused (20), for (30 s, doubling, ≤ 1 h) |
/// | `login.trustedProxies` | addresses of reverse proxies whose `X-Forwarded-For` / `Forwarded` names the client (none) |
/// | `users.hashingThreads` | threads that run bcrypt, off the async executor; at most this many at once (2) |
/// | `users.maxPendingHashes` | hashes running or waiting; beyond it a sign-in gets 503 at once (64) |
/// | `events.maxStreamsPerUser` | event streams one user may have open at once (4) |
/// | `events.overviewNoticeMilliseconds` | at most one `overview` event per this on a stream, after backend events (1000) |
/// | `overview.budgetMilliseconds`, `overview.backendMilliseconds` | cockpit fan-out deadlines |
/// | `overview.cacheMilliseconds` | how long a complete overview is reused |
/// | `cockpit.benchmarkStaticOverview` | for benchmarks only: also serve the first complete overview, frozen, at `/api/cockpit/overview-static-benchmark` (false) |
/// | `breaker.failures`, `breaker.coolDownMilliseconds` | circuit breaker per backend replica (API calls, `BackendReplicas`) and per backend (the overview) |
/// | `metrics.host`, `metrics.port` | Prometheus `/metrics` over plain HTTP; port 0 turns it off |
/// | `log.level` | trace … critical |
/// | `open311.*` | GeoReport v2: public reads, API keys, paging limits (see `Open311Settings`) |
///
/// `knownKeys` lists them all for `gateway check-config`; a key read here must be added there.
public struct GatewaySettings: Sendable {
    public var httpHost: String
    public var httpPort: Int
    /// When both are set, `http.port` serves HTTPS (TLS 1.3 on the system OpenSSL) with this
    /// certificate chain and key, e.g. one a browser trusts; otherwise plain HTTP for a
    /// reverse proxy in front.
    public var httpsCertificatePath: String?
    public var httpsPrivateKeyPath: String?
    /// Timeouts and the cap of the HTTP listener.
    public var connectionLimits = ConnectionLimits()
    public var certificatePath: String
    public var privateKeyPath: String
    public var caPath: String
    public var backendEndpoints: [String: [RPCEndpoint]]
    /// The limits of every backend's TWP/1 client.
    public var backendClientLimits = ClientLimitSettings()
    public var usersDatabasePath: String
    public var seedDemoUsers: Bool
    public var bcryptCost: Int = 12
    public var sessionTTL: Duration
    /// Recently looked-up sessions, so that most requests do not read SQLite.
    public var sessionCacheLimits = SessionCache.Limits()
    public var loginLimits = LoginThrottle.Limits()
    /// Reverse proxies (IP addresses) trusted to report the client's address.
    public var trustedProxies: [String] = []
    public var hashingThreads = 2
    public var maxPendingHashes = 64
    public var maxEventStreamsPerUser = 4
    /// At most one `overview` event per this on an event stream (`OverviewChangeNotices`).
    public var overviewNoticeInterval: Duration = .seconds(1)
    public var overviewBudget: Duration
    public var overviewBackendTimeout: Duration
    public var overviewCacheTTL: Duration
    /// Benchmarks only (off by default): serve a frozen copy of the overview's bytes on a
    /// separate path through the same server, sign-in and middleware, as the ceiling the
    /// overview is measured against (`Benchmarks/suite/gateway-overview.sh`).
    public var benchmarkStaticOverview = false
    public var breakerFailures: Int
    public var breakerCoolDown: Duration
    public var logLevel: String
    public var metricsHost = "127.0.0.1"
    public var metricsPort = ServiceCatalogue.Gateway.metricsPort
    /// How often an idle event stream sends a comment line (and rechecks its session).
    public var eventHeartbeat: Duration = .seconds(15)
    /// How GeoReport v2 is offered (`open311.*`).
    public var open311 = Open311Settings()

    /// The backends the gateway knows how to talk to (the catalogue's services); each is wired
    /// when it has endpoints and a factory in `BackendCatalog`.
    public static let backendNames = ServiceCatalogue.services.map(\.name)

    /// Every key `init(config:)` reads, with the kind of value it takes in a JSON file.
    public static let knownKeys: [String: ConfigurationValueKind] = {
        var keys: [String: ConfigurationValueKind] = [
            "http.host": .string, "http.port": .integer,
            "http.headerTimeoutMilliseconds": .integer, "http.bodyTimeoutMilliseconds": .integer, "http.idleTimeoutMilliseconds": .integer, "http.maxConnections": .integer,
            "https.certificate": .string, "https.key": .string, "https.handshakeTimeoutMilliseconds": .integer,
            "tls.certificate": .string, "tls.key": .string, "tls.ca": .string,
            "users.database": .string, "users.seedDemo": .boolean, "users.bcryptCost": .integer,
            "session.ttlSeconds": .integer, "session.cacheMilliseconds": .integer, "session.cacheMaxEntries": .integer,
            "login.maxFailures": .integer, "login.lockoutSeconds": .integer, "login.delaySeconds": .integer,
            "login.maxDelaySeconds": .integer, "login.maxFailuresPerAddress": .integer, "login.trustedProxies": .stringList,
            "users.hashingThreads": .integer, "users.maxPendingHashes": .integer, "events.maxStreamsPerUser": .integer,
            "events.overviewNoticeMilliseconds": .integer,
            "overview.budgetMilliseconds": .integer, "overview.backendMilliseconds": .integer,
            "overview.cacheMilliseconds": .integer, "cockpit.benchmarkStaticOverview": .boolean,
            "breaker.failures": .integer, "breaker.coolDownMilliseconds": .integer,
            "metrics.host": .string, "metrics.port": .integer,
            "log.level": .string,
        ]
        for name in backendNames { keys["backends.\(name).endpoints"] = .stringList }
        keys.merge(Open311Settings.knownKeys) { own, _ in own }
        return keys.merging(ClientLimitSettings.knownKeys(prefix: "backends")) { own, _ in own }
    }()

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public init(
        httpHost: String = "127.0.0.1", httpPort: Int = ServiceCatalogue.Gateway.httpPort,
        certificatePath: String = "state/certs/service-gateway.crt",
        privateKeyPath: String = "state/certs/service-gateway.key",
        caPath: String = "state/certs/ca.crt",
        backendEndpoints: [String: [RPCEndpoint]] = [:],
        usersDatabasePath: String = "state/gateway/users.sqlite",
        seedDemoUsers: Bool = true,
        sessionTTL: Duration = .seconds(8 * 3600),
        overviewBudget: Duration = .milliseconds(800), overviewBackendTimeout: Duration = .milliseconds(500),
        overviewCacheTTL: Duration = .seconds(2),
        breakerFailures: Int = 3, breakerCoolDown: Duration = .seconds(5),
        logLevel: String = "info"
    ) {
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.caPath = caPath
        self.backendEndpoints = backendEndpoints
        self.usersDatabasePath = usersDatabasePath
        self.seedDemoUsers = seedDemoUsers
        self.sessionTTL = sessionTTL
        self.overviewBudget = overviewBudget
        self.overviewBackendTimeout = overviewBackendTimeout
        self.overviewCacheTTL = overviewCacheTTL
        self.breakerFailures = breakerFailures
        self.breakerCoolDown = breakerCoolDown
        self.logLevel = logLevel
    }

    public init(config: ConfigReader) throws {
        self.init()
        httpHost = config.string(forKey: "http.host", default: httpHost)
        httpPort = config.int(forKey: "http.port", default: httpPort)
        certificatePath = config.string(forKey: "tls.certificate", default: certificatePath)
        privateKeyPath = config.string(forKey: "tls.key", default: privateKeyPath)
        caPath = config.string(forKey: "tls.ca", default: caPath)
        connectionLimits.headerTimeout = .milliseconds(config.int(forKey: "http.headerTimeoutMilliseconds", default: 10_000))
        connectionLimits.bodyTimeout = .milliseconds(config.int(forKey: "http.bodyTimeoutMilliseconds", default: 60_000))
        connectionLimits.idleTimeout = .milliseconds(config.int(forKey: "http.idleTimeoutMilliseconds", default: 60_000))
        connectionLimits.maxConnections = config.int(forKey: "http.maxConnections", default: connectionLimits.maxConnections)
        connectionLimits.handshakeTimeout = .milliseconds(config.int(forKey: "https.handshakeTimeoutMilliseconds", default: 10_000))
        for (key, value) in [
            ("http.headerTimeoutMilliseconds", connectionLimits.headerTimeout), ("http.bodyTimeoutMilliseconds", connectionLimits.bodyTimeout),
            ("http.idleTimeoutMilliseconds", connectionLimits.idleTimeout),
            ("https.handshakeTimeoutMilliseconds", connectionLimits.handshakeTimeout),
        ] {
            guard value > .zero, value <= .seconds(86_400) else { throw Invalid(description: "\(key) must be within 1...86400000") }
        }
        guard connectionLimits.maxConnections > 0 else { throw Invalid(description: "http.maxConnections must be positive") }
        httpsCertificatePath = config.string(forKey: "https.certificate")
        httpsPrivateKeyPath = config.string(forKey: "https.key")
        guard (httpsCertificatePath == nil) == (httpsPrivateKeyPath == nil) else {
            throw Invalid(description: "https.certificate and https.key go together")
        }
        for name in Self.backendNames {
            let texts = config.stringArray(forKey: ConfigKey("backends.\(name).endpoints"), default: [])
            let endpoints = try texts.map { text -> RPCEndpoint in
                guard let endpoint = RPCEndpoint(text.trimmingCharacters(in: .whitespaces)) else {
                    throw Invalid(description: "backends.\(name).endpoints: '\(text)' is not host:port")
                }
                return endpoint
            }
            if let twice = Dictionary(grouping: endpoints, by: \.self).first(where: { $0.value.count > 1 })?.key {
                throw Invalid(description: "backends.\(name).endpoints lists \(twice) twice (each replica once)")
            }
            if !endpoints.isEmpty { backendEndpoints[name] = endpoints }
        }
        backendClientLimits = try ClientLimitSettings(config: config, prefix: "backends") { Invalid(description: $0) }
        usersDatabasePath = config.string(forKey: "users.database", default: usersDatabasePath)
        seedDemoUsers = config.bool(forKey: "users.seedDemo", default: seedDemoUsers)
        bcryptCost = config.int(forKey: "users.bcryptCost", default: bcryptCost)
        guard (10...16).contains(bcryptCost) else { throw Invalid(description: "users.bcryptCost must be within 10...16") }
        sessionTTL = .seconds(config.int(forKey: "session.ttlSeconds", default: 8 * 3600))
        let sessionCacheMilliseconds = config.int(forKey: "session.cacheMilliseconds", default: 10_000)
        sessionCacheLimits.maxEntries = config.int(forKey: "session.cacheMaxEntries", default: sessionCacheLimits.maxEntries)
        guard (0...300_000).contains(sessionCacheMilliseconds), (0...1_000_000).contains(sessionCacheLimits.maxEntries) else {
            throw Invalid(description: "session.cacheMilliseconds must be within 0...300000 and session.cacheMaxEntries within 0...1000000")
        }
        sessionCacheLimits.ttl = .milliseconds(sessionCacheMilliseconds)
        loginLimits.maxFailures = config.int(forKey: "login.maxFailures", default: loginLimits.maxFailures)
        loginLimits.firstDelay = .seconds(config.int(forKey: "login.delaySeconds", default: 1))
        loginLimits.maxDelay = .seconds(config.int(forKey: "login.maxDelaySeconds", default: 60))
        loginLimits.maxFailuresPerAddress = config.int(forKey: "login.maxFailuresPerAddress", default: loginLimits.maxFailuresPerAddress)
        loginLimits.lockout = .seconds(config.int(forKey: "login.lockoutSeconds", default: 30))
        trustedProxies = try config.stringArray(forKey: "login.trustedProxies", default: []).map { text in
            let address = text.trimmingCharacters(in: .whitespaces)
            guard ClientAddress.isIPAddress(address) else { throw Invalid(description: "login.trustedProxies: '\(text)' is not an IP address") }
            return ClientAddress.normalized(address)
        }
        hashingThreads = config.int(forKey: "users.hashingThreads", default: hashingThreads)
        maxPendingHashes = config.int(forKey: "users.maxPendingHashes", default: maxPendingHashes)
        maxEventStreamsPerUser = config.int(forKey: "events.maxStreamsPerUser", default: maxEventStreamsPerUser)
        let noticeMilliseconds = config.int(forKey: "events.overviewNoticeMilliseconds", default: 1000)
        guard (0...600_000).contains(noticeMilliseconds) else { throw Invalid(description: "events.overviewNoticeMilliseconds must be within 0...600000") }
        overviewNoticeInterval = .milliseconds(noticeMilliseconds)
        overviewBudget = .milliseconds(config.int(forKey: "overview.budgetMilliseconds", default: 800))
        overviewBackendTimeout = .milliseconds(config.int(forKey: "overview.backendMilliseconds", default: 500))
        overviewCacheTTL = .milliseconds(config.int(forKey: "overview.cacheMilliseconds", default: 2000))
        benchmarkStaticOverview = config.bool(forKey: "cockpit.benchmarkStaticOverview", default: false)
        breakerFailures = config.int(forKey: "breaker.failures", default: breakerFailures)
        breakerCoolDown = .milliseconds(config.int(forKey: "breaker.coolDownMilliseconds", default: 5000))
        guard breakerFailures > 0 else { throw Invalid(description: "breaker.failures must be positive") }
        guard breakerCoolDown > .zero, breakerCoolDown <= .seconds(3600) else {
            throw Invalid(description: "breaker.coolDownMilliseconds must be within 1...3600000")
        }
        logLevel = config.string(forKey: "log.level", default: logLevel)
        open311 = try Open311Settings(config: config)
        metricsHost = config.string(forKey: "metrics.host", default: metricsHost)
        metricsPort = config.int(forKey: "metrics.port", default: metricsPort)
        guard (0...65535).contains(metricsPort) else { throw Invalid(description: "metrics.port must be within 0...65535") }
        guard (0...65535).contains(httpPort) else { throw Invalid(description: "http.port must be within 0...65535") }
        guard sessionTTL > .zero else { throw Invalid(description: "session.ttlSeconds must be positive") }
        guard loginLimits.maxFailures > 0, loginLimits.maxFailuresPerAddress > 0 else {
            throw Invalid(description: "login.maxFailures and login.maxFailuresPerAddress must be positive")
        }
        guard loginLimits.firstDelay > .zero, loginLimits.firstDelay <= loginLimits.maxDelay, loginLimits.maxDelay <= .seconds(3600),
            loginLimits.lockout > .zero, loginLimits.lockout <= .seconds(3600)
        else {
            throw Invalid(description: "login.delaySeconds must be within 1...login.maxDelaySeconds, that at most 3600, login.lockoutSeconds within 1...3600")
        }
        guard (1...64).contains(hashingThreads) else { throw Invalid(description: "users.hashingThreads must be within 1...64") }
        guard maxPendingHashes >= hashingThreads else { throw Invalid(description: "users.maxPendingHashes must be at least users.hashingThreads") }
        guard maxEventStreamsPerUser > 0 else { throw Invalid(description: "events.maxStreamsPerUser must be positive") }
        guard overviewBackendTimeout <= overviewBudget else {
            throw Invalid(description: "overview.backendMilliseconds must not exceed overview.budgetMilliseconds")
        }
    }
}
