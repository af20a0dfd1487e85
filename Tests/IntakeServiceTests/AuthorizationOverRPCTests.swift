import Foundation
import NIOCore
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("Authorization over live RPC")
struct AuthorizationOverRPCTests {
    @Test("the caller and the principal are checked before anything else")
    func callerAndPrincipal() async throws {
        let live = try await LiveIntake()
        let pki = IntakePKI.shared
        let jobFair = try LiveIntake.client(port: live.port, files: pki.jobFair)
        let admin = try LiveIntake.client(port: live.port, files: pki.admin)
        do {
            let request = Township_Intake_V1_ListVillagesRequest()
            let path = Township_Intake_V1_Intake.listVillages.path
            // A service that is not in callers.allowed.
            let notAllowed = await rpcFailure {
                _ = try await jobFair.unary(path, request, as: Township_Intake_V1_ListVillagesResponse.self, options: LiveIntake.options(Fixture.admin))
            }
            #expect(notAllowed?.status == .permissionDenied)
            #expect(notAllowed?.message.contains("job-fair") == true)
            // An allowed admin tool forwarding a principal: only the gateway may.
            let forwarded = await rpcFailure {
                _ = try await admin.unary(path, request, as: Township_Intake_V1_ListVillagesResponse.self, options: LiveIntake.options(Fixture.admin))
            }
            #expect(forwarded?.status == .permissionDenied)
            #expect(forwarded?.message.contains("only the gateway") == true)
            // An admin tool without a principal acts as itself (admin role).
            let asItself = try await admin.unary(path, request, as: Township_Intake_V1_ListVillagesResponse.self, options: LiveIntake.options(nil))
            #expect(asItself.villages.count == 2)
            // No principal at all from the gateway, which always acts for an end user.
            let missing = await rpcFailure {
                _ = try await live.gateway.unary(path, request, as: Township_Intake_V1_ListVillagesResponse.self, options: LiveIntake.options(nil))
            }
            #expect(missing?.status == .unauthenticated)
            // Bytes that are not a Principal, and a principal without a role.
            var garbage = LiveIntake.options(nil)
            garbage.principal = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0x07])
            #expect(await rpcFailure {
                _ = try await live.gateway.unary(path, request, as: Township_Intake_V1_ListVillagesResponse.self, options: garbage)
            }?.status == .unauthenticated)
            // A principal that parses but has ROLE_UNSPECIFIED may do nothing (principal.proto).
            #expect(await rpcFailure {
                _ = try await live.call(Township_Intake_V1_Intake.listVillages, request, as: Fixture.principal("x", .unspecified))
            }?.status == .permissionDenied)
            // A principal without a user id names nobody.
            #expect(await rpcFailure {
                _ = try await live.call(Township_Intake_V1_Intake.listVillages, request, as: Fixture.principal("", .leader))
            }?.status == .unauthenticated)
            // The gateway with a valid principal gets through.
            let villages = try await live.call(Township_Intake_V1_Intake.listVillages, request, as: Fixture.resident)
            #expect(villages.villages.count == 2)
        } catch { await jobFair.shutdown(); await admin.shutdown(); await live.stop(); throw error }
        await jobFair.shutdown(); await admin.shutdown()
        await live.stop()
    }

    @Test("roles × operations")
    func roleMatrix() async throws {
        let live = try await LiveIntake()
        do {
            // A ticket in grid V1-G1, dispatched to dept-social, and one filed by the resident.
            let id = try await live.submit().ticket.id
            _ = try await live.accept(id)
            _ = try await live.dispatch(id)
            var own = Township_Intake_V1_SubmitTicketRequest()
            own.clientRequestID = "resident-1"
            own.reporter.name = "赵六"; own.reporter.phone = "13900000000"
            own.submission.channel = .other; own.submission.place.villageID.value = "V2"; own.submission.problemDescription = "噪音扰民"
            let residentTicket = try await live.call(Township_Intake_V1_Intake.submitTicket, own, as: Fixture.resident).ticket.id

            func sees(_ p: Township_Common_V1_Principal, _ ticket: Township_Common_V1_TicketId) async -> CallStatus {
                await rpcFailure { _ = try await live.getTicket(ticket, by: p) }?.status ?? .ok
            }
            // Reading.
            #expect(await sees(Fixture.admin, id) == .ok)
            #expect(await sees(Fixture.leader, id) == .ok)
            #expect(await sees(Fixture.workerA, id) == .ok)
            #expect(await sees(Fixture.workerB, id) == .permissionDenied)
            #expect(await sees(Fixture.socialStaff, id) == .ok)
            #expect(await sees(Fixture.buildStaff, id) == .permissionDenied)
            #expect(await sees(Fixture.resident, id) == .permissionDenied)
            #expect(await sees(Fixture.resident, residentTicket) == .ok)
            #expect(await sees(Fixture.employer, id) == .permissionDenied)
            // Acting: only the dispatched department signs.
            #expect(await rpcFailure { _ = try await live.sign(id, by: Fixture.buildStaff) }?.status == .permissionDenied)
            #expect(await rpcFailure { _ = try await live.sign(id, by: Fixture.workerA) }?.status == .permissionDenied)
            #expect(await rpcFailure { _ = try await live.sign(id, by: Fixture.resident) }?.status == .permissionDenied)
            #expect(await rpcFailure { _ = try await live.sign(id, by: Fixture.leader) }?.status == .permissionDenied)
            #expect(try await live.sign(id, by: Fixture.socialStaff).ticket.status == .signed)
            // Triage: residents and staff may not accept; a leader may.
            let fresh = try await live.submit().ticket.id
            #expect(await rpcFailure { _ = try await live.accept(fresh, by: Fixture.resident) }?.status == .permissionDenied)
            #expect(await rpcFailure { _ = try await live.accept(fresh, by: Fixture.socialStaff) }?.status == .permissionDenied)
            #expect(await rpcFailure { _ = try await live.accept(fresh, by: Fixture.workerB) }?.status == .permissionDenied)
            #expect(try await live.accept(fresh, by: Fixture.leader).ticket.status == .accepted)
            // Submitting: an employer may not; a grid worker only for their grid.
            #expect(await rpcFailure { _ = try await live.submit(by: Fixture.employer) }?.status == .permissionDenied)
            #expect(await rpcFailure { _ = try await live.submit(village: "V2", grid: "V2-G1", by: Fixture.workerA) }?.status == .permissionDenied)
            // The whole-ledger check is for leaders and admins.
            let verify = Township_Intake_V1_VerifyLedgerRequest()
            #expect(await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.verifyLedger, verify, as: Fixture.workerA) }?.status == .permissionDenied)
            #expect(try await live.call(Township_Intake_V1_Intake.verifyLedger, verify, as: Fixture.admin).intact)
            // Phones are masked for those not accountable.
            let asLeader = try await live.getTicket(id, by: Fixture.leader).ticket
            #expect(asLeader.reporter.masked)
            #expect(asLeader.reporter.phone == "138****5678")
            let asOwner = try await live.getTicket(id, by: Fixture.workerA).ticket
            #expect(!asOwner.reporter.masked && asOwner.reporter.phone == "13812345678")
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
