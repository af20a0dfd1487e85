import Foundation
import GatewayCore
import Testing

extension GatewaySuites {
    /// The `open311.*` keys: documented defaults, values read from the file, bad values refused.
    @Suite struct Open311SettingsTests {
        @Test func defaultsAreTheDocumentedOnes() async throws {
            let settings = try await SettingsTests.settings("{}").open311
            #expect(settings.publicRead && settings.publicLocation == .rounded && settings.jurisdictionID == "township.local")
            #expect(settings.maxPageSize == 1000 && settings.maxPageNumber == 20 && settings.defaultWindowDays == 90)
            #expect(settings.apiKeysPath(usersDatabasePath: "state/gateway/users.sqlite") == "state/gateway/open311-api-keys.sqlite")
        }

        @Test func theFileSetsEveryKey() async throws {
            let settings = try await SettingsTests.settings("""
                {"open311": {"publicRead": false, "publicLocation": "village", "jurisdictionID": "qingshan.gov.cn",
                 "apiKeysDatabase": "/var/lib/keys.sqlite", "maxPageSize": 200, "maxPageNumber": 5, "defaultWindowDays": 30}}
                """).open311
            #expect(!settings.publicRead && settings.publicLocation == .village && settings.jurisdictionID == "qingshan.gov.cn")
            #expect(settings.apiKeysPath(usersDatabasePath: "x/users.sqlite") == "/var/lib/keys.sqlite")
            #expect(settings.maxPageSize == 200 && settings.maxPageNumber == 5 && settings.defaultWindowDays == 30)
            for key in ["publicRead", "publicLocation", "jurisdictionID", "apiKeysDatabase", "maxPageSize", "maxPageNumber", "defaultWindowDays"] {
                #expect(GatewaySettings.knownKeys["open311.\(key)"] != nil, "\(key)")
            }
        }

        @Test(arguments: [
            #"{"open311": {"publicLocation": "exact"}}"#, #"{"open311": {"maxPageSize": 1001}}"#, #"{"open311": {"maxPageSize": 0}}"#,
            #"{"open311": {"maxPageNumber": 0}}"#, #"{"open311": {"defaultWindowDays": 0}}"#, #"{"open311": {"jurisdictionID": ""}}"#,
        ])
        func badValuesAreRefusedNamingTheKey(_ json: String) async throws {
            do {
                _ = try await SettingsTests.settings(json)
                Issue.record("accepted \(json)")
            } catch let error as GatewaySettings.Invalid {
                #expect(error.description.hasPrefix("open311."), "\(error)")
            }
        }
    }
}
