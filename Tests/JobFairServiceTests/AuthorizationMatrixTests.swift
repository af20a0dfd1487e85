import Foundation
import NIOCore
import Testing
import TownshipProtos
import TownshipRPC

/// Who may do what (jobfair.proto, WHO MAY DO WHAT), call by call over live RPC, and the
/// caller checks before any of it.
@Suite("Job fair: authorization over live RPC")
struct AuthorizationMatrixTests {
    @Test func theCallerAndThePrincipalAreCheckedFirst() async throws {
        let live = try await LiveJobFair()
        let intake = try LiveJobFair.client(port: live.port, files: JobFairPKI.shared.intake)
        let admin = try LiveJobFair.client(port: live.port, files: JobFairPKI.shared.admin)
        do {
            let path = JF.listFairs.path
            let request = Township_Jobfair_V1_ListFairsRequest()
            let notAllowed = await failure { _ = try await intake.unary(path, request, as: Township_Jobfair_V1_ListFairsResponse.self, options: LiveJobFair.options(Who.admin)) }
            #expect(notAllowed?.status == .permissionDenied && notAllowed?.message.contains("intake") == true)
            let forwarded = await failure { _ = try await admin.unary(path, request, as: Township_Jobfair_V1_ListFairsResponse.self, options: LiveJobFair.options(Who.admin)) }
            #expect(forwarded?.status == .permissionDenied)
            // An admin tool without a principal acts as itself (`township call`).
            let fair = try await admin.unary(JF.createFair.path, { var r = Township_Jobfair_V1_CreateFairRequest(); r.clientRequestID = "tool"
                r.fair.name = "秋季招聘会"; r.fair.venue = "镇政府"; r.fair.organiser = "镇人社所"
                r.fair.startDate.year = 2026; r.fair.startDate.month = 9; r.fair.startDate.day = 1; r.fair.endDate = r.fair.startDate; return r }(),
                as: Township_Jobfair_V1_FairResponse.self, options: LiveJobFair.options(nil))
            #expect(fair.fair.name == "秋季招聘会")
            #expect(await failure { _ = try await live.gateway.unary(path, request, as: Township_Jobfair_V1_ListFairsResponse.self, options: LiveJobFair.options(nil)) }?.status == .unauthenticated)
            #expect(await failure { _ = try await live.call(JF.listFairs, request, as: Who.principal("x", .unspecified)) }?.status == .permissionDenied)
        } catch { await intake.shutdown(); await admin.shutdown(); await live.stop(); throw error }
        await intake.shutdown(); await admin.shutdown(); await live.stop()
    }

    /// Each action by each role: allowed ones succeed, the others are PERMISSION_DENIED and change nothing.
    @Test func theMatrix() async throws {
        let live = try await LiveJobFair()
        do {
            let f = try await live.smallFair()
            let everyone = [Who.admin, Who.leader, Who.employerA, Who.employerB, Who.seeker1, Who.seeker2, Who.resident]
            func check(_ name: String, allowed: [Township_Common_V1_Principal], _ action: (Township_Common_V1_Principal) async throws -> Void) async {
                for principal in everyone {
                    let outcome = await failure { try await action(principal) }
                    if allowed.contains(principal) {
                        #expect(outcome == nil || outcome?.status != .permissionDenied, "\(name) as \(principal.userID.value): \(outcome?.message ?? "")")
                    } else {
                        #expect(outcome?.status == .permissionDenied, "\(name) as \(principal.userID.value) should be denied, got \(outcome.map { "\($0.status)" } ?? "success")")
                    }
                }
            }
            await check("CreateFair", allowed: [Who.admin]) { p in
                var r = Township_Jobfair_V1_CreateFairRequest(); r.clientRequestID = "m-\(p.userID.value)"; r.fair.name = "x"; r.fair.venue = "v"; r.fair.organiser = "o"
                r.fair.startDate.year = 2026; r.fair.startDate.month = 1; r.fair.startDate.day = 1; r.fair.endDate = r.fair.startDate
                _ = try await live.call(JF.createFair, r, as: p)
            }
            await check("RegisterEnterprise", allowed: [Who.admin]) { p in
                _ = try await live.call(JF.registerEnterprise, live.enterpriseRequest(50, employers: []), as: p)
            }
            await check("CreatePosition at A", allowed: [Who.admin, Who.employerA]) { p in
                _ = try await live.call(JF.createPosition, live.positionRequest(fair: f.fair, enterprise: f.enterpriseA, title: "质检员", headcount: 1,
                                                                                 requestID: "p-\(p.userID.value)"), as: p)
            }
            await check("ListApplicants of A's welder", allowed: [Who.admin, Who.employerA]) { p in
                var r = Township_Jobfair_V1_ListApplicantsRequest(); r.positionID.value = f.welder
                _ = try await live.call(JF.listApplicants, r, as: p)
            }
            await check("SetRanking of A's welder", allowed: [Who.admin, Who.employerA]) { p in
                var r = Township_Jobfair_V1_SetRankingRequest(); r.positionID.value = f.welder; r.useFitScore = true
                _ = try await live.call(JF.setRanking, r, as: p)
            }
            await check("GetSeeker (own)", allowed: [Who.admin, Who.seeker1, Who.seeker2]) { p in
                _ = try await live.call(JF.getSeeker, Township_Jobfair_V1_GetSeekerRequest(), as: p)
            }
            await check("GetSeeker of seeker 1", allowed: [Who.admin, Who.seeker1]) { p in
                var r = Township_Jobfair_V1_GetSeekerRequest(); r.seekerID.value = f.seekers[0]
                _ = try await live.call(JF.getSeeker, r, as: p)
            }
            await check("SetApplications of seeker 1", allowed: [Who.admin, Who.seeker1]) { p in
                try await live.setList(fair: f.fair, [f.welder, f.packer], as: p, seeker: f.seekers[0])
            }
            await check("RunMatch", allowed: [Who.admin]) { p in
                var r = Township_Jobfair_V1_RunMatchRequest(); r.fairID.value = f.fair
                _ = try await live.call(JF.runMatch, r, as: p)
            }
            await check("GetRoundDiff", allowed: [Who.admin, Who.leader]) { p in
                var r = Township_Jobfair_V1_GetRoundDiffRequest(); r.fairID.value = f.fair
                _ = try await live.call(JF.getRoundDiff, r, as: p)
            }
            await check("GetSeekerResult of seeker 1", allowed: [Who.admin, Who.seeker1]) { p in
                var r = Township_Jobfair_V1_GetSeekerResultRequest(); r.fairID.value = f.fair; r.seekerID.value = f.seekers[0]
                _ = try await live.call(JF.getSeekerResult, r, as: p)
            }
            await check("ListMatches at A", allowed: [Who.admin, Who.leader, Who.employerA]) { p in
                var r = Township_Jobfair_V1_ListMatchesRequest(); r.fairID.value = f.fair; r.enterpriseID.value = f.enterpriseA
                _ = try await live.call(JF.listMatches, r, as: p)
            }
            await check("GetFairFigures", allowed: [Who.admin, Who.leader]) { p in
                _ = try await live.figures(fair: f.fair, as: p)
            }
            await check("Offer at A", allowed: [Who.admin, Who.employerA]) { p in
                _ = try await live.record(fair: f.fair, seeker: f.seekers[0], position: f.welder, .offered, as: p)
            }
            await check("Accept for seeker 1", allowed: [Who.admin, Who.seeker1]) { p in
                _ = try await live.record(fair: f.fair, seeker: f.seekers[0], position: f.welder, .accepted, as: p)
            }
            // Reads of the catalogue are open to every signed-in role.
            await check("ListPositions", allowed: everyone) { p in
                var r = Township_Jobfair_V1_ListPositionsRequest(); r.fairID.value = f.fair
                _ = try await live.call(JF.listPositions, r, as: p)
            }
            // Nothing a denied call tried is stored: one position added (A's, by admin or emp-a, same request id twice → one each).
            #expect(try await live.store.positions(fairID: Int(f.fair)!).count == 4)
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
