import TownshipRoles
import Hummingbird

/// One route of the HTTP API, as the OpenAPI document names it.
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    /// OpenAPI form, e.g. "/api/intake/tickets/{id}".
    public var path: String
    /// Roles allowed; nil: no sign-in needed.
    public var roles: Set<GatewayRole>?

    public var description: String { "\(method) \(path)" }
}

/// Adds routes to the router and keeps their list, so that the OpenAPI document can be
/// checked against what is really served, and so that the role check is in one place.
public final class RouteTable: @unchecked Sendable {
    // Mutated only while the application is being built, on one task.
    public private(set) var routes: [RouteDescription] = []
    let router: Router<GatewayRequestContext>
    let sessions: SessionAuthenticator

    init(router: Router<GatewayRequestContext>, sessions: SessionAuthenticator) {
        self.router = router
        self.sessions = sessions
    }

    public typealias Handler = @Sendable (Request, GatewayRequestContext, GatewayUser) async throws -> Response
    public typealias PublicHandler = @Sendable (Request, GatewayRequestContext) async throws -> Response

    /// A route for signed-in users whose role is in `roles`; others get 401 or 403.
    public func add(_ method: HTTPRequest.Method, _ path: String, roles: Set<GatewayRole>, _ handler: @escaping Handler) {
        routes.append(RouteDescription(method: method.rawValue, path: path, roles: roles))
        let sessions = self.sessions
        router.on(RouterPath(path), method: method) { request, context in
            let user = try await sessions.user(for: request)
            guard roles.contains(user.role) else {
                throw GatewayError.forbidden("the role \(user.role.rawValue) may not \(method.rawValue) \(path)")
            }
            return try await handler(request, context, user)
        }
    }

    /// A route that needs no session (login, the page, the OpenAPI document).
    public func addPublic(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping PublicHandler) {
        routes.append(RouteDescription(method: method.rawValue, path: path, roles: nil))
        router.on(RouterPath(path), method: method) { request, context in
            try await handler(request, context)
        }
    }
}

extension Set where Element == GatewayRole {
    public static let everyone = Set(GatewayRole.userRoles)
}
