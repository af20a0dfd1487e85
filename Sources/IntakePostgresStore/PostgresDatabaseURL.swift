import Foundation

/// `database.url`: `postgres://user@host:port/database[?sslmode=disable|require|verify-full]`.
/// The password is never part of it (`database.passwordFile` or `TOWNSHIP_DATABASE_PASSWORD`):
/// a URL with one is refused, so it cannot end up in a log or in check-config's output.
public struct PostgresDatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (the default: a local cluster on 127.0.0.1).
        case disable
        /// TLS, without checking the server's certificate.
        case require
        /// TLS, the certificate checked against the system's trust roots and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(user: String, host: String, port: Int = 5432, database: String, tls: TLSMode = .disable) {
        self.user = user; self.host = host; self.port = port; self.database = database; self.tls = tls
    }

    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme) else {
            throw Invalid(description: "database.url must look like postgres://user@host:port/database, not '\(Self.redacted(text))'")
        }
        guard components.password == nil else {
            throw Invalid(description: "database.url must not hold a password: put it in database.passwordFile or TOWNSHIP_DATABASE_PASSWORD")
        }
        guard let user = components.user, !user.isEmpty else { throw Invalid(description: "database.url names no user (postgres://user@host/db)") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "database.url names no host") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw Invalid(description: "database.url names no database (…/database)") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw Invalid(description: "database.url port \(port) is out of range") }
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw Invalid(description: "database.url: unknown parameter '\(item.name)' (only sslmode)") }
            guard let mode = TLSMode(rawValue: item.value ?? "") else {
                throw Invalid(description: "database.url: sslmode must be disable, require or verify-full, not '\(item.value ?? "")'")
            }
            tls = mode
        }
        self.init(user: user.removingPercentEncoding ?? user, host: host, port: port, database: database, tls: tls)
    }

    /// The URL as configured (it never holds a password).
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .disable ? "" : "?sslmode=\(tls.rawValue)")
    }

    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "(unreadable)"
    }
}
