import Testing
import TownshipProtos
@testable import GatewayCore

extension GatewaySuites {
    /// The gateway's backend call takes retry safety from the proto's `idempotency_level`,
    /// not from the method's name: VerifyLedger (a read not named List/Get) may be retried,
    /// SubmitTicket only with its idempotency key.
    @Suite struct BackendCallTests {
        static let user = GatewayUser(id: "u-leader", login: "leader", displayName: "领导", role: .leader)

        @Test func readsDeclaredWithoutSideEffectsAreRetried() {
            typealias Intake = Township_Intake_V1_Intake
            #expect(BackendCall(Intake.verifyLedger).options(for: Self.user, timeout: .seconds(1), idempotencyKey: nil).isIdempotent)
            #expect(BackendCall(Intake.listTickets).options(for: Self.user, timeout: .seconds(1), idempotencyKey: nil).isIdempotent)
            #expect(BackendCall(Intake.getStatistics).options(for: Self.user, timeout: .seconds(1), idempotencyKey: nil).isIdempotent)
        }

        @Test func writesAreNotRetriedWithoutAKey() {
            typealias Intake = Township_Intake_V1_Intake
            let submit = BackendCall(Intake.submitTicket).options(for: Self.user, timeout: .seconds(1), idempotencyKey: nil)
            #expect(!submit.isIdempotent && submit.idempotencyKey == nil)
            #expect(!BackendCall(Intake.acceptTicket).options(for: Self.user, timeout: .seconds(1), idempotencyKey: nil).isIdempotent)
            let keyed = BackendCall(Intake.submitTicket).options(for: Self.user, timeout: .seconds(1), idempotencyKey: "k-1")
            #expect(keyed.idempotencyKey == "k-1" && keyed.principal == Self.user.encodedPrincipal)
        }
    }
}
