import Foundation
import GatewayCore
import Synchronization
import Testing
import TownshipRandom

extension GatewaySuites {
    /// A few thousand random and malformed requests at every route of the route table, signed
    /// in and not: every answer must be a well-formed HTTP response with a status below 500
    /// (the fake intake is up, so no 5xx is deliberate here), and the gateway must still serve
    /// at the end. The generator is seeded: a failure names its seed and request to replay.
    @Suite struct RouteFuzzTests {
        static let seed: UInt64 = 0x7057_6e73_6869_7017
        static let requests = 2500

        @Test func randomRequestsAtEveryRouteNeverGetA5xxNorCrashTheGateway() async throws {
            try await withGateway(tweak: { $0.maxEventStreamsPerUser = 1000 }) { harness in
                let tokens = [try await harness.login("leader"), try await harness.login("resident"), try await harness.login("grid")]
                var random = SplitMix64(seed: Self.seed)
                let log = StatusLog()
                var plans: [FuzzRequest] = []
                for index in 0..<Self.requests {
                    plans.append(FuzzRequest.random(index: index, routes: harness.gateway.routes, tokens: tokens, using: &random))
                }
                let failures = try await withThrowingTaskGroup(of: String?.self) { group in
                    var failures: [String] = []
                    var next = 0
                    // Eight at a time.
                    for _ in 0..<8 where next < plans.count {
                        let plan = plans[next]
                        group.addTask { try await Self.check(plan, harness, log) }
                        next += 1
                    }
                    while let result = try await group.next() {
                        if let result { failures.append(result) }
                        if next < plans.count {
                            let plan = plans[next]
                            group.addTask { try await Self.check(plan, harness, log) }
                            next += 1
                        }
                    }
                    return failures
                }
                // The run reached the handlers, not only the sign-in check.
                let seen = log.seen
                for status in [200, 400, 401, 403, 404, 415] { #expect(seen.contains(status), "no \(status) in \(seen.sorted())") }
                #expect(failures.isEmpty, "seed \(Self.seed): \(failures.count) failures, first: \(failures.prefix(5).joined(separator: "\n"))")
                let health = try await harness.client.request("GET", "/healthz")
                #expect(health.status == 200)
                let me = try await harness.client.request("GET", "/api/auth/me", token: tokens[0])
                #expect(me.status == 200)
            }
        }

        /// Nil when the answer is fine, otherwise what went wrong.
        static func check(_ plan: FuzzRequest, _ harness: GatewayHarness, _ log: StatusLog) async throws -> String? {
            let client = harness.client
            let outcome = await withTaskGroup(of: Result<HTTPTestClient.Response, any Error>?.self) { group in
                group.addTask {
                    do {
                        return .success(try await client.request(
                            plan.method, plan.target, token: plan.token, body: plan.body, contentType: plan.contentType, headers: plan.headers))
                    } catch {
                        return .failure(error)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(10))
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            switch outcome {
            case nil: return "no answer within 10 s: \(plan)"
            case .failure(let error): return "no well-formed answer (\(error)): \(plan)"
            case .success(let response):
                log.record(response.status)
                return response.status < 500 ? nil : "\(response.status) \(response.body.prefix(200)): \(plan)"
            }
        }
    }
}

/// One request of the fuzz test.
struct FuzzRequest: Sendable, CustomStringConvertible {
    var index: Int
    var method: String
    var target: String
    var token: String?
    var body: String?
    var contentType: String
    var headers: [String: String]

    var description: String {
        "#\(index) \(method) \(target) token=\(token == nil ? "none" : "set") type=\(contentType) headers=\(headers) body=\(body.map { String($0.prefix(120)).debugDescription } ?? "none")"
    }

    static let junkStrings = [
        "", " ", "%", "%zz", "%E4%B8", "临时用电", "\u{0}", "\u{7f}", "../../etc/passwd", "%2e%2e%2f", "9999999999999999999999", "-1", "1e309",
        "NaN", "null", "true", "[]", "{}", "<script>", "' OR 1=1 --", String(repeating: "a", count: 5000), "2026-000001", "t-1", "😀", "a&b=c",
    ]
    static let contentTypes = [
        "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", "application/xml",
        "multipart/form-data; boundary=x", "application/json; charset=latin1", "", "/", ";;;", "application/", "application/json; charset=\"",
    ]

    static func random(index: Int, routes: [RouteDescription], tokens: [String], using random: inout SplitMix64) -> FuzzRequest {
        let route = routes[random.below(routes.count)]
        var method = route.method
        if random.below(8) == 0 { method = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"][random.below(7)] }
        var path = route.path
        while let open = path.firstIndex(of: "{"), let close = path[open...].firstIndex(of: "}") {
            path.replaceSubrange(open...close, with: percentEncoded(junk(using: &random)))
        }
        if random.below(3) == 0 {
            let names = ["status", "village", "grid", "page_size", "cursor", "q", "order", "overdue", "service_code", "access_token", "api_key", "x"]
            let pairs = (0..<(1 + random.below(4))).map { _ in
                "\(names[random.below(names.count)])=\(random.below(4) == 0 ? rawQueryJunk(using: &random) : percentEncoded(junk(using: &random)))"
            }
            path += "?" + pairs.joined(separator: "&")
        }
        var token: String?
        switch random.below(5) {
        case 0: token = nil
        case 1: token = percentEncoded(junk(using: &random))
        default: token = tokens[random.below(tokens.count)]
        }
        // Signing out would end the tokens the rest of the run uses; an event stream with a
        // live token never ends (its own test covers it).
        if route.path == "/api/auth/logout" || (route.path == "/api/events" && method == "GET") {
            if token.map(tokens.contains) == true { token = "not-a-token" }
        }
        var headers: [String: String] = [:]
        if random.below(3) == 0 { headers["Accept-Encoding"] = ["gzip", "gzip;q=0", "*", "br, gzip;q=abc", ";", "gzip;q=1e999"][random.below(6)] }
        if random.below(4) == 0 { headers["X-Forwarded-For"] = ["1.2.3.4", "garbage", "::1, 10.0.0.1", "", "[::1]:80"][random.below(5)] }
        if random.below(4) == 0 { headers["Forwarded"] = ["for=1.2.3.4", "for=\"[::1]\"", "for", ";;,,", "for=unknown"][random.below(5)] }
        if random.below(6) == 0 { headers["Last-Event-ID"] = junk(using: &random).filter { !$0.isNewline && $0 != "\u{0}" } }
        if random.below(8) == 0 { headers["Authorization"] = ["Bearer", "Basic abc", "Bearer  ", "bearer x y"][random.below(4)] }
        let contentType = contentTypes[random.below(contentTypes.count)]
        return FuzzRequest(
            index: index, method: method, target: path, token: headers["Authorization"] == nil ? token : nil,
            body: randomBody(using: &random), contentType: contentType.isEmpty ? "application/json" : contentType, headers: headers)
    }

    static func junk(using random: inout SplitMix64) -> String {
        if random.below(3) == 0 {
            return String(String.UnicodeScalarView((0..<random.below(40)).compactMap { _ in Unicode.Scalar(UInt32(random.below(0x3000))) }))
        }
        return junkStrings[random.below(junkStrings.count)]
    }

    /// Characters a request line may carry unencoded, and some it may not.
    static func rawQueryJunk(using random: inout SplitMix64) -> String {
        ["%", "%%", "%G1", "a%2", "+", "=", "==", "&&", "%00", "%C0%AF", "%FF%FE", ";", "[]", "[0]=1"][random.below(14)]
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func randomBody(using random: inout SplitMix64) -> String? {
        switch random.below(10) {
        case 0: return nil
        case 1: return junk(using: &random)
        case 2: return String(repeating: "[", count: 1 + random.below(5000))
        case 3: return "{\"login\":\(quotedJunk(&random)),\"password\":\(quotedJunk(&random))}"
        case 4: return "description=\(rawQueryJunk(using: &random))\(junk(using: &random))&village_id=\(junk(using: &random))&lat=\(junk(using: &random))&long=1"
        case 5: return "{\"clientRequestId\":\(quotedJunk(&random)),\"submission\":{\"problemDescription\":\(quotedJunk(&random)),\"place\":{\"villageId\":{\"value\":\(quotedJunk(&random))}}}}"
        case 6: return "{\"ticketId\":{\"value\":\(quotedJunk(&random))},\"x\":1}"
        case 7: return "{\"pageSize\": \(["1e999", "-1", "99999999999999999999", "\"a\"", "null"][random.below(5)])}"
        case 8: return "{\"categoryId\":{\"value\":\"c-power\"}," + String(repeating: "\"a\":{", count: random.below(100)) + "}"
        default: return "{}"
        }
    }

    static func quotedJunk(_ random: inout SplitMix64) -> String {
        let text = junk(using: &random)
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out += scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : String(scalar)
            }
        }
        return out + "\""
    }
}

/// The statuses a fuzz run has seen.
final class StatusLog: Sendable {
    private let statuses = Mutex<Set<Int>>([])
    var seen: Set<Int> { statuses.withLock { $0 } }
    func record(_ status: Int) { statuses.withLock { _ = $0.insert(status) } }
}
