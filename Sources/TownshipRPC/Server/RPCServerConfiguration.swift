import Logging
import TownshipWire

public struct RPCServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The limits this server announces in its HELLO and enforces.
    public var limits: Hello
    /// Time from accept to a completed HELLO (TLS handshake included), spec §2.
    public var helloTimeout: Duration
    /// How long a graceful shutdown waits for calls in flight before closing anyway.
    public var drainTimeout: Duration
    /// Which callers (by SPIFFE identity) may call at all; others get PERMISSION_DENIED.
    public var authorizeCaller: @Sendable (String?) -> Bool
    /// Which callers may forward an end-user principal (spec §6).
    public var mayForwardPrincipal: @Sendable (String?) -> Bool
    public var logger: Logger

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        limits: Hello = Hello(agent: "township-swift/1", isAck: true),
        helloTimeout: Duration = .seconds(10),
        drainTimeout: Duration = .seconds(30),
        authorizeCaller: @escaping @Sendable (String?) -> Bool = { _ in true },
        mayForwardPrincipal: @escaping @Sendable (String?) -> Bool = { _ in true },
        logger: Logger = Logger(label: "township.rpc.server")
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.limits.isAck = true
        self.helloTimeout = helloTimeout
        self.drainTimeout = drainTimeout
        self.authorizeCaller = authorizeCaller
        self.mayForwardPrincipal = mayForwardPrincipal
        self.logger = logger
    }
}
