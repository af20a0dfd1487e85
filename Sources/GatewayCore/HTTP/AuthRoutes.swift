import TownshipRoles
import Foundation
import Hummingbird

/// Sign-in, sign-out and "who am I".
struct AuthRoutes {
    let store: UserStore
    let throttle: LoginThrottle
    let trustedProxies: Set<String>
    let sessions: SessionAuthenticator
    let sessionTTL: Duration

    struct Credentials: Decodable {
        var login: String
        var password: String
    }

    func add(to table: RouteTable) {
        table.addPublic(.post, "/api/auth/login") { request, context in
            try RequestMediaType.requireJSON(request)
            let body = try await request.body.collect(upTo: 16 * 1024)
            try RequestMediaType.requireJSON(request, bodyIsEmpty: body.readableBytes == 0)
            guard let credentials = try? JSONDecoder().decode(Credentials.self, from: Data(buffer: body)),
                !credentials.login.isEmpty, credentials.login.utf8.count <= 128, credentials.password.utf8.count <= 256
            else {
                throw GatewayError.badRequest("send {\"login\": \"…\", \"password\": \"…\"} (login at most 128, password at most 256 bytes)")
            }
            let address = ClientAddress.of(peer: context.remoteAddress, headers: request.headers, trustedProxies: trustedProxies)
            // Checked and counted in one step: parallel guesses cannot all pass.
            if let wait = throttle.attempt(login: credentials.login, address: address) {
                throw GatewayError(
                    .tooManyRequests, code: "RESOURCE_EXHAUSTED", reason: "LOGIN_LOCKED",
                    "too many failed sign-ins; try again in \(Int(wait.rounded(.up))) s", retryAfterSeconds: Int(wait.rounded(.up)))
            }
            let verified: GatewayUser?
            do {
                verified = try await store.verify(login: credentials.login, password: credentials.password)
            } catch is UserStore.Busy {
                throttle.withdraw(login: credentials.login, address: address)
                throw GatewayError(
                    .serviceUnavailable, code: "UNAVAILABLE", reason: "SIGN_IN_BUSY",
                    "too many sign-ins are being checked right now; try again in a second", retryAfterSeconds: 1)
            }
            guard let user = verified else {
                throw GatewayError(.unauthorized, code: "UNAUTHENTICATED", reason: "BAD_CREDENTIALS", "unknown login or wrong password")
            }
            throttle.succeeded(login: credentials.login, address: address)
            let session = try await store.createSession(for: user, ttl: sessionTTL)
            return jsonResponse(JSONValue.object([
                ("token", .string(session.token)),
                ("expiresAt", .string(ISO8601DateFormatter().string(from: session.expiresAt))),
                ("user", Self.json(user)),
            ]).render())
        }
        table.add(.post, "/api/auth/logout", roles: .everyone) { request, _, _ in
            if let token = sessions.token(in: request) { try await sessions.signOut(token: token) }
            return Response(status: .noContent)
        }
        table.add(.get, "/api/auth/me", roles: .everyone) { _, _, user in
            jsonResponse(Self.json(user).render())
        }
    }

    static func json(_ user: GatewayUser) -> JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("id", .string(user.id)), ("login", .string(user.login)), ("displayName", .string(user.displayName)),
            ("role", .string(user.role.rawValue)), ("gridId", optional(user.gridID)),
            ("departmentId", optional(user.departmentID)), ("villageId", optional(user.villageID)),
        ])
    }
}
