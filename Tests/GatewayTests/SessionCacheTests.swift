import Foundation
import Testing

@testable import GatewayCore

extension GatewaySuites {
    /// Sessions are looked up in SQLite once, then believed from memory for a bounded while;
    /// signing out ends them at once.
    @Suite struct SessionCacheTests {
        @Test func aLookedUpSessionIsBelievedFromMemoryUntilItsTTLButSigningOutEndsItAtOnce() async throws {
            try await withGateway { harness in
                let token = try await harness.login("leader")
                #expect(try await harness.client.request("GET", "/api/auth/me", token: token).status == 200)
                // Gone from the database behind the gateway's back (as a sign-out on another
                // gateway would do): this gateway still knows it, for at most the cache's TTL.
                try await harness.gateway.store.deleteSession(token: token)
                #expect(try await harness.client.request("GET", "/api/auth/me", token: token).status == 200)

                let other = try await harness.login("leader")
                #expect(try await harness.client.request("GET", "/api/auth/me", token: other).status == 200)
                #expect(try await harness.client.request("POST", "/api/auth/logout", token: other).status == 204)
                #expect(try await harness.client.request("GET", "/api/auth/me", token: other).status == 401)
            }
        }

        @Test func withTheCacheOffEveryRequestAsksTheDatabase() async throws {
            try await withGateway(tweak: { $0.sessionCacheLimits.ttl = .zero }) { harness in
                let token = try await harness.login("leader")
                #expect(try await harness.client.request("GET", "/api/auth/me", token: token).status == 200)
                try await harness.gateway.store.deleteSession(token: token)
                #expect(try await harness.client.request("GET", "/api/auth/me", token: token).status == 401)
            }
        }

        @Test func theCacheIsBoundedAndNeverOutlivesTheSession() {
            var limits = SessionCache.Limits()
            limits.maxEntries = 2
            let cache = SessionCache(limits: limits)
            let user = DemoUsers.all[0]
            for token in ["a", "b", "c"] { cache.insert(token: token, user: user, remaining: .seconds(60)) }
            #expect(cache.count == 2)
            #expect(cache.user(forToken: "c")?.id == user.id)
            // A session about to end is remembered no longer than it lasts.
            cache.insert(token: "d", user: user, remaining: .nanoseconds(1))
            #expect(cache.user(forToken: "d") == nil)
            cache.insert(token: "e", user: user, remaining: .zero)
            #expect(cache.user(forToken: "e") == nil)
            cache.remove(token: "c")
            #expect(cache.user(forToken: "c") == nil)
        }

        @Test func settingsReadAndCheckTheCachesLimitsAndTheOverviewNoticeInterval() async throws {
            let defaults = try await SettingsTests.settings("{}")
            #expect(defaults.sessionCacheLimits.ttl == .seconds(10) && defaults.sessionCacheLimits.maxEntries == 10_000)
            #expect(defaults.overviewNoticeInterval == .seconds(1) && !defaults.benchmarkStaticOverview)
            let settings = try await SettingsTests.settings(#"{"session": {"cacheMilliseconds": 2500, "cacheMaxEntries": 50}, "events": {"overviewNoticeMilliseconds": 250}, "cockpit": {"benchmarkStaticOverview": true}}"#)
            #expect(settings.sessionCacheLimits.ttl == .milliseconds(2500) && settings.sessionCacheLimits.maxEntries == 50)
            #expect(settings.overviewNoticeInterval == .milliseconds(250) && settings.benchmarkStaticOverview)
            for bad in [#"{"session": {"cacheMilliseconds": -1}}"#, #"{"session": {"cacheMaxEntries": 2000000}}"#, #"{"events": {"overviewNoticeMilliseconds": 600001}}"#] {
                await #expect(throws: GatewaySettings.Invalid.self) { try await SettingsTests.settings(bad) }
            }
        }
    }
}
