import Hummingbird

/// Answers every failure under `/open311/` in GeoReport v2's error format,
/// `[{"code": 400, "description": "…"}]`, which Open311 clients parse (the rest of the API
/// keeps the gateway's `{"error": …}`).
struct Open311ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    static var prefix: String { "/open311/" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(Self.prefix) else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return Self.response(status: error.status, description: error.message, retryAfterSeconds: error.retryAfterSeconds)
        } catch let error as any HTTPResponseError {
            let description = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            return Self.response(status: error.status, description: description, retryAfterSeconds: nil)
        }
    }

    static func response(status: HTTPResponse.Status, description: String, retryAfterSeconds: Int?) -> Response {
        let body = JSONValue.array([.object([("code", .integer(Int64(status.code))), ("description", .string(description))])])
        var response = jsonResponse(body.render(), status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = "\(retryAfterSeconds)" }
        return response
    }
}
