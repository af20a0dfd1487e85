import Foundation
import Testing
import TownshipRPC
import TownshipServiceRuntime

/// `callers.services`: services that call acting as themselves (proto-spec §6).
@Suite struct ServiceCallerSettingsTests {
    static let liaison = "spiffe://township.local/service/enterprise-liaison"

    @Test func noServiceCallerByDefault() async throws {
        let settings = try await ServerLimitSettingsTests.settings("{}")
        #expect(settings.serviceCallers.isEmpty)
        #expect(!settings.callerPolicy.allows(Self.liaison))
    }

    @Test func aListedServiceMayCallActingAsItselfButNotForward() async throws {
        let settings = try await ServerLimitSettingsTests.settings(#"{"callers": {"services": ["\#(Self.liaison)"]}}"#)
        #expect(settings.serviceCallers == [Self.liaison])
        let policy = settings.callerPolicy
        #expect(policy.allows(Self.liaison))
        #expect(policy.isServiceCaller(Self.liaison))
        #expect(!policy.mayForwardPrincipal(Self.liaison))
        // The shared callers stay as they were.
        #expect(policy.allows("spiffe://township.local/service/gateway"))
    }

    @Test(arguments: [
        "spiffe://township.local/service/*", "spiffe://township.local/admin/ops", "spiffe://other.example/service/intake",
        "spiffe://township.local/service/Intake", "spiffe://township.local/service/gateway", "",
    ])
    func aPatternAnAdminOrTheGatewayIsRefusedNamingTheKey(identity: String) async throws {
        do {
            _ = try await ServerLimitSettingsTests.settings(#"{"callers": {"services": ["\#(identity)"]}}"#)
            Issue.record("'\(identity)' was accepted")
        } catch let error as ServiceSettings.Invalid {
            #expect(error.description.contains("callers.services"))
        }
    }
}
