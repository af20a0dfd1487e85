import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// Sign-in: throttling per login and per address, session expiry, sign-out.
    @Suite struct AuthTests {
        @Test func fiveFailuresLockTheLoginOutEvenForTheRightPassword() async throws {
            try await withGateway(tweak: { $0.loginMaxFailures = 5; $0.loginLockout = .seconds(1) }) { harness in
                for attempt in 1...5 {
                    let response = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"wrong"}"#)
                    #expect(response.status == 401, "attempt \(attempt)")
                }
                let locked = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"township-demo"}"#)
                #expect(locked.status == 429)
                #expect(locked.headers["retry-after"] != nil)
                #expect((locked.object["error"] as? [String: Any])?["reason"] as? String == "LOGIN_LOCKED")
                // Other logins from elsewhere are not affected by one login's lockout... (same address here, below its limit)
                _ = try await harness.login("grid")
                // The lockout ends; a success clears the count.
                try await Task.sleep(for: .milliseconds(1100))
                _ = try await harness.login("leader")
                let wrongAgain = try await harness.client.request("POST", "/api/auth/login", body: #"{"login":"leader","password":"wrong"}"#)
                #expect(wrongAgain.status == 401)
            }
        }

        @Test func lockoutsDoubleWithEachFurtherFailure() async throws {
            let clock = TestClock()
            let throttle = LoginThrottle(maxFailures: 3, lockout: .seconds(10), now: { clock.now })
            for _ in 0..<3 { throttle.recordFailure(login: "a", address: "1") }
            #expect(abs((throttle.retryAfter(login: "a", address: "1") ?? 0) - 10) < 0.01)
            clock.advance(11)
            #expect(throttle.retryAfter(login: "a", address: "1") == nil)
            throttle.recordFailure(login: "a", address: "1")
            #expect(abs((throttle.retryAfter(login: "a", address: "1") ?? 0) - 20) < 0.01)
            // Many logins from one address: the address is locked too.
            let spray = LoginThrottle(maxFailures: 3, lockout: .seconds(10), now: { clock.now })
            for index in 0..<12 { spray.recordFailure(login: "user\(index)", address: "9") }
            #expect(spray.retryAfter(login: "fresh", address: "9") != nil)
            #expect(spray.retryAfter(login: "fresh", address: "8") == nil)
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
