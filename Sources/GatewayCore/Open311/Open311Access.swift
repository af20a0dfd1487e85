import Hummingbird

/// Who a GeoReport v2 request acts as, and whether it may.
///
/// Reads (every GET) always show the public view (`Open311View`): no reporter data, whoever
/// asks. With `open311.publicRead` on they need nothing; off, they need a live `api_key` or a
/// signed-in session. They are made at intake as `publicReader`, a leader-role principal that
/// sees every ticket: what leaves the gateway is cut down to the public view here, so the
/// principal never widens what a client sees.
///
/// Writes (POST requests) need a signed-in user whose role may file tickets (filed as that
/// user) or a live `api_key` (filed as the client application, a resident-role principal
/// `open311-app:<key id>`, so intake records which application filed what).
struct Open311Access: Sendable {
    let sessions: SessionAuthenticator
    let keys: Open311APIKeyStore
    let publicRead: Bool

    /// The principal of every public read.
    static let publicReader = GatewayUser(id: "open311:public-reader", login: "open311", displayName: "Open311 public reader", role: .leader)

    static let apiKeyRequired = GatewayError(
        .unauthorized, code: "UNAUTHENTICATED", reason: "API_KEY_REQUIRED",
        "an api_key (issued by the township's administrator) or a signed-in session is required")
    static let apiKeyInvalid = GatewayError(
        .forbidden, code: "PERMISSION_DENIED", reason: "API_KEY_INVALID", "the api_key is unknown or revoked")

    /// Allows a read or throws 401/403.
    func authorizeRead(_ request: Request) async throws {
        if let key = request.uri.queryParameters["api_key"].map(String.init), !key.isEmpty {
            guard try await keys.application(forKey: key) != nil else { throw Self.apiKeyInvalid }
            return
        }
        if sessions.token(in: request) != nil {
            _ = try await sessions.user(for: request)
            return
        }
        guard publicRead else { throw Self.apiKeyRequired }
    }

    /// The user a POST files as: the signed-in user, else the application of the `api_key`
    /// given in the query string or the form (the form's wins when both are given).
    func writer(_ request: Request, formKey: String?) async throws -> GatewayUser {
        let key = formKey.flatMap { $0.isEmpty ? nil : $0 } ?? request.uri.queryParameters["api_key"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let key {
            guard let application = try await keys.application(forKey: key) else { throw Self.apiKeyInvalid }
            return GatewayUser(id: "open311-app:\(application.id)", login: "open311-app", displayName: String(application.application.prefix(64)), role: .resident)
        }
        guard sessions.token(in: request) != nil else { throw Self.apiKeyRequired }
        let user = try await sessions.user(for: request)
        guard IntakeRoles.submit.contains(user.role) else {
            throw GatewayError.forbidden("the role \(user.role.rawValue) may not file requests")
        }
        return user
    }
}
