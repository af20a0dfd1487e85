import HummingbirdCore
import Logging
import NIOCore
import TownshipTLS

/// Hummingbird's HTTP/1 child channel behind the project's own OpenSSL handler, so the
/// gateway serves HTTPS with the same TLS stack as the services (system OpenSSL 3).
struct HTTPSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let contexts: ReloadableTLSContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addTownshipTLSHandler(provider: contexts, logger: logger)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS 1.3 on the system OpenSSL; the contexts reload with the service's.
    static func https(contexts: ReloadableTLSContext) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            HTTPSChannel(base: HTTP1Channel(responder: responder), contexts: contexts)
        }
    }
}
