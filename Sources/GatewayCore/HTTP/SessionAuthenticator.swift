import Hummingbird

/// Finds the signed-in user of a request from `Authorization: Bearer <token>`. Only the event
/// stream also takes the `access_token` query parameter, because a browser's EventSource
/// cannot send headers; anywhere else a token in the URL (kept in logs, histories and
/// Referer headers) is not accepted.
public struct SessionAuthenticator: Sendable {
    let store: UserStore
    /// Who the recent tokens belong to, so that most requests do not read the database.
    let cache: SessionCache

    /// The paths whose clients cannot send an Authorization header.
    static let queryTokenPaths: Set<String> = ["/api/events"]

    public func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        }
        guard Self.queryTokenPaths.contains(request.uri.path) else { return nil }
        return request.uri.queryParameters["access_token"].map(String.init)
    }

    public func user(for request: Request) async throws -> GatewayUser {
        guard let token = token(in: request) else { throw GatewayError.unauthenticated }
        if let user = cache.user(forToken: token) { return user }
        guard let session = try await store.session(forToken: token) else { throw GatewayError.unauthenticated }
        cache.insert(token: token, user: session.user, remaining: session.remaining)
        return session.user
    }

    /// Ends the session of `token` in the database and in the cache.
    func signOut(token: String) async throws {
        cache.remove(token: token)
        try await store.deleteSession(token: token)
        // A request that read the session just before the delete may have cached it again.
        cache.remove(token: token)
    }
}
