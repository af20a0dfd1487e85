import Logging
import TownshipWire

/// How an `RPCServer` listens and what it bounds. Every bound here has its default in
/// proto-spec §10 ("Server limits") and is meant to be kept unless measured otherwise.
public struct RPCServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The limits this server announces in its HELLO and enforces. Its
    /// `maxConcurrentRequests` bounds the handler tasks running per connection: a cancelled
    /// call holds its slot until its handler has returned.
    public var limits: Hello
    /// Time from accept to a completed HELLO (TLS handshake included), spec §2. Default 10 s.
    public var helloTimeout: Duration
    /// How long a graceful shutdown waits for calls in flight before closing anyway. Default 30 s.
    public var drainTimeout: Duration
    /// A connection with no open call for this long gets GOAWAY(OK) and is closed; nil
    /// keeps idle connections open. Default 5 minutes.
    public var idleTimeout: Duration?
    /// Connections this server holds at once; one more completes TLS, gets
    /// GOAWAY(0, OK, "connection limit ...") instead of a HELLO, and is closed. Default 1,024.
    public var maxConnections: Int
    /// How long a close waits for the writes before it (a GOAWAY, the last answers, TLS
    /// close_notify) to reach a peer that does not read; then the socket is closed anyway.
    /// Default 5 s.
    public var closeTimeout: Duration
    /// Which callers (by SPIFFE identity) may call at all; others get PERMISSION_DENIED.
    public var authorizeCaller: @Sendable (String?) -> Bool
    /// Which callers may forward an end-user principal (spec §6).
    public var mayForwardPrincipal: @Sendable (String?) -> Bool
    public var logger: Logger
    /// Where handlers run. Default `.connectionEventLoop`: see `RPCHandlerExecution`.
    public var handlerExecution: RPCHandlerExecution

    public static let defaultIdleTimeout: Duration = .seconds(300)
    public static let defaultMaxConnections = 1_024
    public static let defaultCloseTimeout: Duration = .seconds(5)

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        limits: Hello = Hello(agent: "township-swift/1", isAck: true),
        helloTimeout: Duration = .seconds(10),
        drainTimeout: Duration = .seconds(30),
        idleTimeout: Duration? = RPCServerConfiguration.defaultIdleTimeout,
        maxConnections: Int = RPCServerConfiguration.defaultMaxConnections,
        closeTimeout: Duration = RPCServerConfiguration.defaultCloseTimeout,
        authorizeCaller: @escaping @Sendable (String?) -> Bool = { _ in true },
        mayForwardPrincipal: @escaping @Sendable (String?) -> Bool = { _ in true },
        logger: Logger = Logger(label: "township.rpc.server"),
        handlerExecution: RPCHandlerExecution = .connectionEventLoop
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.limits.isAck = true
        self.helloTimeout = helloTimeout
        self.drainTimeout = drainTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.closeTimeout = closeTimeout
        self.authorizeCaller = authorizeCaller
        self.mayForwardPrincipal = mayForwardPrincipal
        self.logger = logger
        self.handlerExecution = handlerExecution
    }
}

/// Which threads run a server's handlers.
///
/// The rule for handler authors under `.connectionEventLoop` (the default): a handler may
/// await anything (GRDB's async `read`/`write`, another service's client, `Task.sleep`:
/// the task leaves the loop while it waits) but must not block its thread, nor compute for
/// long between awaits: the loop it runs on also reads, decrypts and answers every other
/// call of its connections. Blocking work (a synchronous GRDB `read`/`write`, file I/O, a
/// lock held for long) goes to its own queue first, as `CanteenService.blocking` does; a
/// service whose handlers cannot keep to this sets `.concurrentPool`.
public enum RPCHandlerExecution: Sendable, Hashable {
    /// Each call's handler task prefers the event loop of the call's connection as its
    /// executor (`Task(executorPreference:)`): the request, the handler and its answer stay
    /// on one thread, with no hop to Swift's cooperative pool and back per call.
    case connectionEventLoop
    /// Handlers run on Swift's cooperative pool; every answer hops back to the loop.
    case concurrentPool
}
