import HTTPTypes
import Hummingbird

/// Headers every answer carries, the page's and the API's, errors included: no MIME sniffing
/// (a JSON answer never runs as a script), no framing by another site (clickjacking of the
/// cockpit), no Referer leaking a URL to elsewhere. A response without its own
/// Content-Security-Policy (the API's) gets one that allows nothing.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var apiContentSecurityPolicy: String { "default-src 'none'; frame-ancestors 'none'" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            response = try GatewayError(.internalServerError, code: "INTERNAL", "the gateway failed to answer").response(from: request, context: context)
        }
        Self.add(to: &response.headers)
        return response
    }

    static func add(to headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[.xFrameOptionsName] = "DENY"
        headers[.referrerPolicyName] = "no-referrer"
        if headers[.contentSecurityPolicy] == nil { headers[.contentSecurityPolicy] = apiContentSecurityPolicy }
    }
}

extension HTTPField.Name {
    // Not among HTTPTypes' predefined names; the literals are valid field names.
    static let xFrameOptionsName = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicyName = HTTPField.Name("Referrer-Policy")!
}
