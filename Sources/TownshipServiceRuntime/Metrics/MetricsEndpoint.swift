import Hummingbird
import Logging
import NIOCore
import Prometheus

/// Serves `/metrics` (Prometheus text format) and `/healthz` over plain HTTP, for the
/// operator's scraper on the host's private interface.
public enum MetricsEndpoint {
    public static func application(
        registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("healthz") { _, _ in "ok\n" }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
    }
}
