import HummingbirdCore
import Logging
import NIOCore
import TownshipTLS

/// Hummingbird's HTTP/1 child channel with the gateway's connection limits in front: the
/// connection cap first, then TLS when the gateway serves HTTPS itself (the project's own
/// OpenSSL handler, as the services use), then the request-read clocks. The idle timeout is
/// Hummingbird's own (`HTTP1Channel.Configuration.idleTimeout`).
struct GatewayHTTPChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let connections: OpenConnections
    let tls: ReloadableTLSContext?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionCapHandler(connections: connections, answersInPlainHTTP: tls == nil))
            if let tls { try pipeline.addTownshipTLSHandler(provider: tls, logger: logger) }
            try pipeline.addHandler(RequestBytesObserver())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1, over TLS 1.3 on the system OpenSSL when `tls` is set (its contexts reload with
    /// the service's), within `limits`.
    static func gateway(limits: ConnectionLimits, tls: ReloadableTLSContext?) -> HTTPServerBuilder {
        let connections = OpenConnections(limit: limits.maxConnections)
        let headerTimeout = TimeAmount(limits.headerTimeout)
        let bodyTimeout = TimeAmount(limits.bodyTimeout)
        return HTTPServerBuilder { responder in
            let configuration = HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestReadTimeoutHandler(headTimeout: headerTimeout, bodyTimeout: bodyTimeout)],
                idleTimeout: TimeAmount(limits.idleTimeout))
            return GatewayHTTPChannel(base: HTTP1Channel(responder: responder, configuration: configuration), connections: connections, tls: tls)
        }
    }
}
