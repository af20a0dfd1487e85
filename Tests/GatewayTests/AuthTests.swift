import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Sign-in: throttling per login and per address, session expiry, sign-out.
    @Suite struct AuthTests {
        @Test func afterFiveFailuresFromOneAddressThatLoginWaitsThere() async throws {
            try await withGateway(tweak: { $0.loginLimits.maxFailures = 5; $0.loginLimits.firstDelay = .seconds(1) }) { harness in
                for attempt in 1...5 {
                    let response = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"wrong"}"#)
                    #expect(response.status == 401, "attempt \(attempt)")
                }
                let waiting = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"township-demo"}"#)
                #expect(waiting.status == 429)
                #expect(waiting.headers["retry-after"] == "1")
                #expect((waiting.object["error"] as? [String: Any])?["reason"] as? String == "LOGIN_LOCKED")
                // Other logins from the same address are not slowed (the address is below its limit).
                _ = try await harness.login("grid")
                // The delay ends; a success clears the count.
                try await Task.sleep(for: .milliseconds(1100))
                _ = try await harness.login("leader")
                let wrongAgain = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"wrong"}"#)
                #expect(wrongAgain.status == 401)
            }
        }

        @Test func delaysDoubleWithEachFurtherFailureUpToTheirBound() async throws {
            let clock = TestClock()
            var limits = LoginThrottle.Limits()
            limits.maxFailures = 3
            limits.firstDelay = .seconds(10)
            limits.maxDelay = .seconds(25)
            limits.maxFailuresPerAddress = 100
            let throttle = LoginThrottle(limits: limits, now: { clock.now })
            for _ in 0..<3 { #expect(throttle.attempt(login: "a", address: "1") == nil) }
            #expect(abs((throttle.attempt(login: "a", address: "1") ?? 0) - 10) < 0.01)
            // Another address is not slowed by this one's failures.
            #expect(throttle.attempt(login: "a", address: "2") == nil)
            throttle.succeeded(login: "a", address: "2")
            clock.advance(11)
            #expect(throttle.attempt(login: "a", address: "1") == nil)
            #expect(abs((throttle.attempt(login: "a", address: "1") ?? 0) - 20) < 0.01)
            clock.advance(21)
            #expect(throttle.attempt(login: "a", address: "1") == nil)
            #expect(abs((throttle.attempt(login: "a", address: "1") ?? 0) - 25) < 0.01, "bounded by maxDelay")
            // A success clears the login's count at that address.
            clock.advance(26)
            #expect(throttle.attempt(login: "a", address: "1") == nil)
            throttle.succeeded(login: "a", address: "1")
            for _ in 0..<3 { #expect(throttle.attempt(login: "a", address: "1") == nil) }

            // Many logins from one address: the address is refused, for lockout doubling.
            limits.maxFailuresPerAddress = 12
            limits.lockout = .seconds(30)
            let spray = LoginThrottle(limits: limits, now: { clock.now })
            for index in 0..<12 { #expect(spray.attempt(login: "user\(index)", address: "9") == nil) }
            #expect(abs((spray.attempt(login: "fresh", address: "9") ?? 0) - 30) < 0.01)
            #expect(spray.attempt(login: "fresh", address: "8") == nil)
        }

        @Test func parallelGuessesPassTheCheckAtMostMaxFailuresTimes() async throws {
            var limits = LoginThrottle.Limits()
            limits.maxFailures = 5
            let throttle = LoginThrottle(limits: limits)
            let passed = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<200 { group.addTask { throttle.attempt(login: "leader", address: "1") == nil } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(passed == 5)

            // Over HTTP: of 30 wrong guesses sent at once, at most 5 reach the password check.
            try await withGateway(tweak: { $0.loginLimits.maxFailures = 5; $0.loginLimits.firstDelay = .seconds(30) }) { harness in
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<30 {
                        group.addTask { try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"wrong"}"#).status }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == 401 }.count <= 5, "\(statuses)")
                #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses)")
            }
        }

        @Test func theRightPasswordStillWorksAfterAnotherAddresssFailures() async throws {
            try await withGateway(tweak: {
                $0.trustedProxies = ["127.0.0.1"]
                $0.loginLimits.maxFailures = 3
                $0.loginLimits.firstDelay = .seconds(60)
            }) { harness in
                let attacker = ["X-Forwarded-For": "203.0.113.5"]
                for _ in 0..<6 {
                    let response = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"wrong"}"#, headers: attacker)
                    #expect(response.status == 401 || response.status == 429)
                }
                let attackerNow = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"township-demo"}"#, headers: attacker)
                #expect(attackerNow.status == 429)
                // The owner, behind the same proxy, from their own address (RFC 7239 form too).
                for owner in [["X-Forwarded-For": "198.51.100.7, 127.0.0.1"], ["Forwarded": #"for="[2001:db8::7]:4711";proto=https"#]] {
                    let response = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"township-demo"}"#, headers: owner)
                    #expect(response.status == 200, "\(owner): \(response.body)")
                }
            }
        }

        @Test func forwardingHeadersAreIgnoredFromUntrustedPeers() async throws {
            try await withGateway(tweak: { $0.loginLimits.maxFailures = 3; $0.loginLimits.firstDelay = .seconds(60) }) { harness in
                for index in 0..<3 {
                    _ = try await harness.client.request(
                        "POST", "/api/auth/login", body: #"{"login":"leader","password":"wrong"}"#, headers: ["X-Forwarded-For": "203.0.113.\(index)"])
                }
                // Naming another address does not escape the count: 127.0.0.1 is not a trusted proxy.
                let response = try await harness.client.request(
                    "POST", "/api/auth/login", body: #"{"login":"leader","password":"township-demo"}"#, headers: ["X-Forwarded-For": "198.51.100.7"])
                #expect(response.status == 429)
            }
        }

        @Test func aTokenInTheQueryIsTakenOnlyByTheEventStream() async throws {
            try await withGateway { harness in
                let token = try await harness.login("leader")
                for path in ["/api/cockpit/overview", "/api/auth/me", "/api/intake/tickets", "/open311/v2/services.json"] {
                    let refused = try await harness.client.request("GET", "\(path)?access_token=\(token)&api_key=\(token)")
                    // Open311 takes api_key, which a session token is not: refused as an unknown key.
                    #expect(refused.status == (path.hasPrefix("/open311/") ? 403 : 401), "\(path)")
                }
                try await RawConnection.with(port: harness.client.port) { connection in
                    try await connection.send("GET /api/events?access_token=\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    #expect(await connection.read(timeout: .seconds(3)) { $0.contains(": connected") }, "\(connection.received)")
                    #expect(connection.received.hasPrefix("HTTP/1.1 200"))
                }
            }
        }

        @Test func beyondTheHashQueueASignInIsRefusedAtOnce() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bcrypt-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try UserStore(path: directory.appendingPathComponent("users.sqlite").path, bcryptCost: 10, hashingThreads: 1, maxPendingHashes: 2)
            try await store.addUser(DemoUsers.all[0], password: "right")
            // Six at once: two are checked (one running, one waiting), the others refused.
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do { return try await store.verify(login: "leader", password: "wrong") == nil ? "checked" : "signed in" } catch is UserStore.Busy {
                            return "busy"
                        } catch { return "\(error)" }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "checked" }.count >= 2, "\(outcomes)")
            #expect(outcomes.filter { $0 == "busy" }.count >= 1, "\(outcomes)")
            #expect(outcomes.allSatisfy { $0 == "checked" || $0 == "busy" }, "\(outcomes)")
            // Once the queue has drained, sign-ins are checked again.
            #expect(try await store.verify(login: "leader", password: "right") != nil)
        }

        @Test func bcryptDoesNotRunOnTheAsyncExecutor() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bcrypt-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try UserStore(path: directory.appendingPathComponent("users.sqlite").path, bcryptCost: 12, hashingThreads: 1)
            // One hash at cost 12: the time a thread running it is unavailable (longer on a busy machine).
            let hashStarted = ContinuousClock.now
            try await store.addUser(DemoUsers.all[0], password: "right")
            let oneHash = ContinuousClock.now - hashStarted
            // Eight guesses (on the async executor, they would hold all its threads for at least
            // one hash each) while a probe measures how late the executor resumes a sleeping task.
            async let guesses = withThrowingTaskGroup(of: GatewayUser?.self) { group in
                for _ in 0..<8 { group.addTask { try await store.verify(login: "leader", password: "wrong") } }
                return try await group.reduce(0) { count, _ in count + 1 }
            }
            var worst = Duration.zero
            for _ in 0..<40 {
                let start = ContinuousClock.now
                try await Task.sleep(for: .milliseconds(20))
                worst = max(worst, ContinuousClock.now - start - .milliseconds(20))
            }
            #expect(try await guesses == 8)
            #expect(worst < oneHash / 2, "the executor stalled for \(worst) (one hash takes \(oneHash))")
        }
        @Test func aSessionExpiresAfterItsTimeToLive() async throws {
            try await withGateway(tweak: { $0.sessionTTL = .seconds(1) }) { harness in
                let token = try await harness.login("leader")
                let response45 = try await harness.client.request("GET", "/api/auth/me", token: token)
                #expect(response45.status == 200)
                try await Task.sleep(for: .milliseconds(1200))
                let response47 = try await harness.client.request("GET", "/api/auth/me", token: token)
                #expect(response47.status == 401)
            }
        }

        @Test func signingOutEndsTheSessionAndTokensAreStoredHashed() async throws {
            try await withGateway { harness in
                let token = try await harness.login("resident")
                let me = try await harness.client.request("GET", "/api/auth/me", token: token)
                #expect(me.object["role"] as? String == "resident")
                let response56 = try await harness.client.request("POST", "/api/auth/logout", token: token)
                #expect(response56.status == 204)
                let response57 = try await harness.client.request("GET", "/api/auth/me", token: token)
                #expect(response57.status == 401)
                let database = try Data(contentsOf: URL(fileURLWithPath: harness.gateway.settings.usersDatabasePath))
                #expect(database.range(of: Data(token.utf8)) == nil)
                #expect(Data(base64Encoded: token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "=")?.count == 32)
            }
        }

        @Test func badSignInRequestsAreRefusedClearly() async throws {
            try await withGateway { harness in
                let response66 = try await harness.client.request("POST", "/api/auth/login", body: "not json")
                #expect(response66.status == 400)
                let response67 = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"nobody","password":"x"}"#)
                #expect(response67.status == 401)
            }
        }
    }
}

/// A settable clock for the throttle.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}
