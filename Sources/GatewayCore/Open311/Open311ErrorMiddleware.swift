import Hummingbird

/// Answers every failure under `/open311/` in GeoReport v2's error format, in the format the
/// URL asks for: `[{"code": 404, "description": "…"}]`, or
/// `<errors><error><code>404</code><description>…</description></error></errors>` for a
/// `.xml` URL, with the same HTTP status. Unknown routes, ids and jurisdictions are 404s
/// like any other (the rest of the API keeps the gateway's `{"error": …}`).
struct Open311ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    static var prefix: String { "/open311/" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(Self.prefix) else { return try await next(request, context) }
        let format = Open311Format.of(path: request.uri.path)
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return Self.response(status: error.status, description: error.message, retryAfterSeconds: error.retryAfterSeconds, format: format)
        } catch let error as any HTTPResponseError {
            var description = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            if error.status == .notFound, (error as? HTTPError)?.body == nil {
                description = "no such resource: \(request.uri.path) (see discovery.json for what is offered)"
            }
            return Self.response(status: error.status, description: description, retryAfterSeconds: nil, format: format)
        } catch {
            return Self.response(status: .internalServerError, description: "internal error", retryAfterSeconds: nil, format: format)
        }
    }

    static func document(status: HTTPResponse.Status, description: String) -> Open311Document {
        Open311Document(root: "errors", body: .list(item: "error", [
            .record([("code", .integer(Int64(status.code))), ("description", .string(description))]),
        ]))
    }

    static func response(status: HTTPResponse.Status, description: String, retryAfterSeconds: Int?, format: Open311Format = .json) -> Response {
        var response = document(status: status, description: description).response(format, status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = "\(retryAfterSeconds)" }
        return response
    }
}
