import Foundation
import GatewayCore
import Testing
import TownshipProtos

extension GatewaySuites {
    /// Public reads (`open311.publicRead`), what the public view hides, and API keys.
    @Suite struct Open311AccessTests {
        static let form = "application/x-www-form-urlencoded"

        /// A ticket whose reporter gave everything a client can send.
        static func seedReporter(_ harness: GatewayHarness) -> String {
            let ticket = harness.intake.seed(village: "V01", category: "c-power", status: .submitted)
            harness.intake.modify(ticket.id.value) { ticket in
                ticket.reporter.name = "王秀英"
                ticket.reporter.phone = "13912345678"
                ticket.reporter.email = "wang.xiuying@mail.example"
                ticket.reporter.deviceID = "device-8f3a"
                ticket.reporter.accountID = "account-5521"
                ticket.submission.place.location.latitude = 30.261_234
                ticket.submission.place.location.longitude = 120.171_987
            }
            return ticket.id.value
        }

        static let secrets = ["王秀英", "秀英", "13912345678", "wang.xiuying", "mail.example", "device-8f3a", "account-5521", "30.261234", "120.171987", "30.26123", "120.17198"]

        @Test(arguments: ["rounded", "village"]) func thePublicViewLeaksNoReporterDataInEitherFormat(_ mode: String) async throws {
            try await withGateway(tweak: { $0.open311.publicLocation = mode == "village" ? .village : .rounded }) { harness in
                let id = Self.seedReporter(harness)
                let resident = try await harness.login("leader")
                for format in ["json", "xml"] {
                    // Without a session, and even with a leader's (who may see the reporter elsewhere).
                    for token in [nil, resident] {
                        for path in ["/open311/v2/requests.\(format)", "/open311/v2/requests/\(id).\(format)", "/open311/v2/requests.\(format)?service_request_id=\(id)"] {
                            let response = try await harness.client.request("GET", path, token: token)
                            #expect(response.status == 200, "\(path): \(response.body)")
                            #expect(response.body.contains(id))
                            for secret in Self.secrets {
                                #expect(!response.body.contains(secret), "\(path) shows \(secret): \(response.body)")
                            }
                            let request = try #require(Open311Spec.records(response.body, format, root: "service_requests", item: "request")?.first)
                            let point = (request["lat"].flatMap(Double.init), request["long"].flatMap(Double.init))
                            if mode == "village" {
                                #expect(point.0 == 30.25 && point.1 == 120.16, "\(point)")
                            } else {
                                #expect(point.0 == 30.261 && point.1 == 120.172, "\(point)")
                            }
                        }
                    }
                }
                // Reads were made with the public reader's principal, not the caller's.
                #expect(harness.intake.principals.contains { $0.userID.value == "open311:public-reader" })
            }
        }

        @Test func withPublicReadOffAnAPIKeyOrASessionIsRequired() async throws {
            try await withGateway(tweak: { $0.open311.publicRead = false }) { harness in
                _ = Self.seedReporter(harness)
                for path in ["/open311/v2/services.json", "/open311/v2/services/c-power.xml", "/open311/v2/requests.json", "/open311/v2/requests/1.xml"] {
                    let format = path.hasSuffix(".xml") ? "xml" : "json"
                    Open311Spec.expectError(try await harness.client.request("GET", path), 401, format)
                    Open311Spec.expectError(try await harness.client.request("GET", path + "?api_key=not-a-key"), 403, format)
                }
                let issued = try harness.gateway.open311Keys.issue(application: "Civic app")
                let withKey = try await harness.client.request("GET", "/open311/v2/requests.json?api_key=\(issued.key)")
                #expect(withKey.status == 200, "\(withKey.body)")
                let signedIn = try await harness.client.request("GET", "/open311/v2/services.json", token: try await harness.login("resident"))
                #expect(signedIn.status == 200)
                // The discovery document stays public: it says how to get a key.
                #expect(try await harness.client.request("GET", "/open311/v2/discovery.json").status == 200)

                try harness.gateway.open311Keys.revoke(id: issued.record.id)
                Open311Spec.expectError(try await harness.client.request("GET", "/open311/v2/requests.json?api_key=\(issued.key)"), 403)
            }
        }

        @Test func postTakesTheAPIKeyFromTheFormOrTheQueryAndFilesAsTheApplication() async throws {
            try await withGateway { harness in
                let issued = try harness.gateway.open311Keys.issue(application: "Civic app")
                let body = "service_code=c-power&description=x&village_id=V01"
                let inForm = try await harness.client.request("POST", "/open311/v2/requests.json", body: body + "&api_key=\(issued.key)", contentType: Self.form)
                #expect(inForm.status == 201, "\(inForm.body)")
                let inQuery = try await harness.client.request("POST", "/open311/v2/requests.xml?api_key=\(issued.key)", body: body, contentType: Self.form)
                #expect(inQuery.status == 201, "\(inQuery.body)")
                let filers = harness.intake.principals.filter { $0.userID.value == "open311-app:\(issued.record.id)" }
                #expect(filers.count == 2)
                #expect(filers.allSatisfy { $0.role == .resident && $0.displayName == "Civic app" })

                Open311Spec.expectError(try await harness.client.request("POST", "/open311/v2/requests.json", body: body, contentType: Self.form), 401)
                Open311Spec.expectError(
                    try await harness.client.request("POST", "/open311/v2/requests.xml", body: body + "&api_key=wrong", contentType: Self.form), 403, "xml")
                try harness.gateway.open311Keys.revoke(id: issued.record.id)
                Open311Spec.expectError(
                    try await harness.client.request("POST", "/open311/v2/requests.json", body: body + "&api_key=\(issued.key)", contentType: Self.form), 403)
                #expect(harness.intake.tickets.count == 2)
            }
        }

        @Test func anonymousReadsReuseTheReferenceDataForAFewSeconds() async throws {
            try await withGateway { harness in
                for _ in 0..<5 {
                    let response = try await harness.client.request("GET", "/open311/v2/services.xml")
                    #expect(response.status == 200)
                }
                // Categories, departments and villages once, not five times.
                #expect(harness.intake.principals.count == 3)
            }
        }

        @Test func keysAreStoredHashedListedAndRevocable() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("open311-keys-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let store = try Open311APIKeyStore(path: path)
            let first = try store.issue(application: "Civic app")
            let second = try store.issue(application: "  FixMyVillage  ")
            #expect(first.key != second.key)
            #expect(first.key.count >= 43)
            #expect(second.record.application == "FixMyVillage")
            #expect(throws: Open311APIKeyStore.Invalid.self) { try store.issue(application: " ") }
            #expect(throws: Open311APIKeyStore.Invalid.self) { try store.issue(application: String(repeating: "a", count: 101)) }
            #expect(try store.list().map(\.id) == [first.record.id, second.record.id])
            #expect(try store.revoke(id: first.record.id))
            #expect(try !store.revoke(id: "k-none"))
            #expect(try store.list().first?.revokedAt != nil)
            // Only the digest is on disk.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.range(of: Data(first.key.utf8)) == nil)
            #expect(bytes.range(of: Data(second.key.utf8)) == nil)
            // Reopened (as `gateway api-keys` and the running gateway share the file), the same keys.
            let reopened = try Open311APIKeyStore(path: path)
            #expect(try reopened.list().count == 2)
        }

        @Test func liveKeysAreFoundAndRevokedOnesAreNot() async throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("open311-keys-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let store = try Open311APIKeyStore(path: path)
            let issued = try store.issue(application: "Civic app")
            #expect(try await store.application(forKey: issued.key)?.id == issued.record.id)
            #expect(try await store.application(forKey: issued.key + "x") == nil)
            #expect(try await store.application(forKey: String(repeating: "k", count: 10_000)) == nil)
            try store.revoke(id: issued.record.id)
            #expect(try await store.application(forKey: issued.key) == nil)
        }
    }
}
