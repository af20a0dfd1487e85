import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The gateway's JSON API as a client sees it.
struct GatewayHTTP: Sendable {
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func request(_ method: String, _ path: String, token: String? = nil, body: String? = nil, headers: [String: String] = [:]) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 15
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? ["raw": String(decoding: data, as: UTF8.self)]
        return (status, object)
    }

    func login(_ login: String) async throws -> String {
        let (status, body) = try await request("POST", "/api/auth/login", body: #"{"login":"\#(login)","password":"township-demo"}"#)
        guard status == 200, let token = body["token"] as? String else { throw Failure(description: "login \(login): \(status) \(body)") }
        return token
    }

    /// POSTs and requires a 2xx.
    @discardableResult
    func post(_ path: String, as token: String, _ body: String) async throws -> [String: Any] {
        let (status, object) = try await request("POST", path, token: token, body: body)
        guard (200..<300).contains(status) else { throw Failure(description: "POST \(path): \(status) \(object)") }
        return object
    }

    /// The body of a plain GET anywhere (e.g. a service's /metrics), requiring a 200.
    func text(from url: String) async throws -> String {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw Failure(description: "GET \(url): \(response)") }
        return String(decoding: data, as: UTF8.self)
    }

    func overview(as token: String) async throws -> [String: Any] {
        let (status, object) = try await request("GET", "/api/cockpit/overview", token: token)
        guard status == 200 else { throw Failure(description: "overview: \(status) \(object)") }
        return object
    }

    /// The `error.message` of a refusal (`{"error": {"code", "reason", "message"}}`), "" when absent.
    static func errorMessage(_ body: [String: Any]) -> String {
        ((body["error"] as? [String: Any])?["message"] as? String) ?? ""
    }
}
