import Foundation
import Hummingbird
import TownshipCatalogue

/// The cockpit page, its script and style, and the OpenAPI document, all served from the
/// target's resources (no external assets: the machines have no internet).
struct StaticRoutes {
    struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
    }

    struct MissingResource: Error, CustomStringConvertible {
        var name: String
        var description: String { "the resource \(name) is missing from the GatewayCore bundle" }
    }

    static let files: [(path: String, resource: String, contentType: String)] = [
        ("/", "cockpit.html", "text/html; charset=utf-8"),
        ("/cockpit.js", "cockpit.js", "text/javascript; charset=utf-8"),
        ("/cockpit-enterprise-liaison.js", "cockpit-enterprise-liaison.js", "text/javascript; charset=utf-8"),
        ("/cockpit.css", "cockpit.css", "text/css; charset=utf-8"),
        ("/cockpit-canteen.js", "cockpit-canteen.js", "text/javascript; charset=utf-8"),
        ("/cockpit-job-fair.js", "cockpit-job-fair.js", "text/javascript; charset=utf-8"),
        ("/openapi.json", "openapi.json", "application/json; charset=utf-8"),
    ]

    static func resource(_ name: String) throws -> Data {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Resources") else {
            throw MissingResource(name: name)
        }
        return try Data(contentsOf: url)
    }

    /// The backends this gateway wires: the OpenAPI document leaves out the `/api/<service>/`
    /// paths of the catalogue's other services, so it describes exactly the routes served.
    var wiredBackends: Set<String>? = nil

    /// The OpenAPI document without the paths of services that are not wired.
    static func openAPI(_ data: Data, wired: Set<String>) throws -> Data {
        guard var document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let paths = document["paths"] as? [String: Any] else { return data }
        let unwired = ServiceCatalogue.services.map(\.name).filter { !wired.contains($0) }
        let kept = paths.filter { path, _ in !unwired.contains { path.hasPrefix("/api/\($0)/") } }
        guard kept.count != paths.count else { return data }
        document["paths"] = kept
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    func add(to table: RouteTable) throws {
        for file in Self.files {
            var data = try Self.resource(file.resource)
            if file.resource == "openapi.json", let wiredBackends { data = try Self.openAPI(data, wired: wiredBackends) }
            let asset = Asset(bytes: ByteBuffer(bytes: data), contentType: file.contentType)
            table.addPublic(.get, file.path) { _, _ in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: asset.contentType, .cacheControl: "no-cache",
                        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
                    ],
                    body: ResponseBody(byteBuffer: asset.bytes))
            }
        }
        table.addPublic(.get, "/healthz") { _, _ in jsonResponse("{\"status\":\"ok\"}") }
    }
}
