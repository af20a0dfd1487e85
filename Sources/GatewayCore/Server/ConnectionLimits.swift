import NIOCore

/// What the HTTP listener allows one connection, and how many it keeps open (settings
/// `http.headerTimeoutMilliseconds`, `http.bodyTimeoutMilliseconds`, `http.idleTimeoutMilliseconds`, `http.maxConnections`,
/// `https.handshakeTimeoutMilliseconds`; defaults here and in `deploy/gateway.example.json`).
public struct ConnectionLimits: Sendable, Hashable {
    /// From the first byte of a request to the end of its head. Trickling a header a byte at
    /// a time (slowloris) does not extend it.
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of a request's head to the end of its body (bodies through the gateway are
    /// at most 256 KB), however slowly it trickles.
    public var bodyTimeout: Duration = .seconds(60)
    /// With no request in progress (before the first, between keep-alive requests) or while a
    /// request body stalls: how long the connection may stay silent. An answer being written
    /// (an event stream) is not idle.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections open at once; beyond it a new one is answered 503 (plain HTTP) or closed
    /// (HTTPS) at once, and the ones already open are served as before.
    public var maxConnections: Int = 1000
    /// HTTPS: from the connection to the end of the TLS handshake.
    public var handshakeTimeout: Duration = .seconds(10)

    public init() {}
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000)
    }
}
