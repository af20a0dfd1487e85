import Hummingbird

/// Finds the signed-in user of a request from `Authorization: Bearer <token>` (or, for
/// EventSource and Open311 clients that cannot set headers, the `access_token` / `api_key`
/// query parameter).
public struct SessionAuthenticator: Sendable {
    let store: UserStore

    public func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        }
        return request.uri.queryParameters["access_token"].map(String.init)
            ?? request.uri.queryParameters["api_key"].map(String.init)
    }

    public func user(for request: Request) async throws -> GatewayUser {
        guard let token = token(in: request), let user = try await store.user(forToken: token) else {
            throw GatewayError.unauthenticated
        }
        return user
    }
}
