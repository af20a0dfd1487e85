import Foundation
import LiaisonCore
import LiaisonService
import NIOCore
import TownshipProtos
import TownshipRPC
import TownshipWire
import Testing

/// Who may call what: every method for every role, and the callers the kit lets in.
@Suite(.serialized) struct AuthorizationOverRPCTests {
    enum Who: String, CaseIterable { case admin, leader, liaison, department, resident, gridWorker, employer, staffWithoutDepartment }

    static func principal(_ who: Who) -> Township_Common_V1_Principal {
        switch who {
        case .admin: As.admin
        case .leader: As.leader
        case .liaison: As.alice
        case .department: As.social
        case .resident: As.resident
        case .gridWorker: As.gridWorker
        case .employer: As.employer
        case .staffWithoutDepartment: As.staffWithoutDepartment
        }
    }

    /// A call per method, and who may make it (everyone else gets PERMISSION_DENIED).
    static func calls(_ live: LiveLiaison, item: Int64) -> [(String, Set<Who>, (Township_Common_V1_Principal) async throws -> Void)] {
        let office: Set<Who> = [.admin, .leader]
        let everyone: Set<Who> = [.admin, .leader, .liaison, .department]
        return [
            ("RegisterLiaison", office, { p in
                var r = Township_Liaison_V1_RegisterLiaisonRequest()
                r.liaison.liaisonID.value = "l-new"; r.liaison.name = "新"; r.liaison.origin = .municipal
                _ = try await live.call(M.registerLiaison, r, as: p) }),
            ("ListLiaisons", everyone, { p in _ = try await live.call(M.listLiaisons, .init(), as: p) }),
            ("RegisterOrganisation", office, { p in
                var r = Township_Liaison_V1_RegisterOrganisationRequest()
                r.organisation.organisationID = "org-1"; r.organisation.name = "企业1"; r.organisation.kind = .enterprise
                r.organisation.creditCode = LiveLiaison.codes[0]
                _ = try await live.call(M.registerOrganisation, r, as: p) }),
            ("ListOrganisations", everyone, { p in _ = try await live.call(M.listOrganisations, .init(), as: p) }),
            ("AssignLiaison", office, { p in
                var r = Township_Liaison_V1_AssignLiaisonRequest(); r.organisationID = "org-1"; r.liaisonID.value = "l-alice"
                _ = try await live.call(M.assignLiaison, r, as: p) }),
            ("GetAssignmentHistory", everyone, { p in
                var r = Township_Liaison_V1_GetAssignmentHistoryRequest(); r.organisationID = "org-1"
                _ = try await live.call(M.getAssignmentHistory, r, as: p) }),
            ("RecordVisit", [.liaison], { p in
                var r = Township_Liaison_V1_RecordVisitRequest(); r.clientRequestID = UUID().uuidString
                r.visit.organisationID = "org-1"; r.visit.date = "2026-03-02"; r.visit.findings = "x"
                _ = try await live.call(M.recordVisit, r, as: p) }),
            ("ListVisits", everyone, { p in _ = try await live.call(M.listVisits, .init(), as: p) }),
            ("RecordHelp", [.liaison], { p in
                var r = Township_Liaison_V1_RecordHelpRequest(); r.clientRequestID = UUID().uuidString
                r.help.organisationID = "org-1"; r.help.date = "2026-03-02"; r.help.kind = .suggestion
                _ = try await live.call(M.recordHelp, r, as: p) }),
            ("FileProblem", [.liaison], { p in _ = try await live.file("org-1", by: p) }),
            ("RetypeProblem", office, { p in
                var r = Township_Liaison_V1_RetypeProblemRequest(); r.itemID = item; r.type = .individual
                _ = try await live.call(M.retypeProblem, r, as: p) }),
            ("MergeProblems", office, { p in
                var r = Township_Liaison_V1_MergeProblemsRequest(); r.clientRequestID = UUID().uuidString; r.itemIds = [item]
                r.title = "t"; r.description_p = "d"
                _ = try await live.call(M.mergeProblems, r, as: p) }),
            ("PublishList", office, { p in _ = try await live.publish("2026-02-2", by: p) }),
            ("ClaimProblem", [.department], { p in _ = try await live.claim(item, by: p) }),
            ("AssignProblem", office, { p in
                var r = Township_Liaison_V1_AssignProblemRequest(); r.itemID = item; r.departmentID.value = "dept-social"
                _ = try await live.call(M.assignProblem, r, as: p) }),
            ("AnswerProblem", [.department], { p in _ = try await live.answer(item, by: p) }),
            ("ReportProgress", [.department], { p in
                var r = Township_Liaison_V1_ReportProgressRequest(); r.clientRequestID = UUID().uuidString; r.itemID = item; r.note = "n"
                _ = try await live.call(M.reportProgress, r, as: p) }),
            ("ConfirmProblem", [.admin, .leader, .liaison], { p in _ = try await live.confirm(item, by: p) }),
            ("ClearProblem", office, { p in _ = try await live.clear(item, by: p) }),
            ("ListProblems", everyone, { p in _ = try await live.call(M.listProblems, .init(), as: p) }),
            ("GetProblem", everyone, { p in _ = try await live.get(item, by: p) }),
            ("GetFigures", [.admin, .leader, .department], { p in _ = try await live.call(M.getFigures, .init(), as: p) }),
        ]
    }

    @Test func theMatrix() async throws {
        let live = try await LiveLiaison()
        do {
            // One published item claimed by dept-social: the department's steps then succeed
            // for it, and the others fail for their state, not their role (only
            // PERMISSION_DENIED is the matrix's business).
            let item = try await live.file("org-1", by: As.alice).itemID
            _ = try await live.publish("2026-03-1")
            _ = try await live.claim(item, by: As.social)
            let calls = Self.calls(live, item: item)
            #expect(calls.count == 22)
            for (method, allowed, call) in calls {
                for who in Who.allCases {
                    let outcome = await refusal { try await call(Self.principal(who)) }
                    if allowed.contains(who) {
                        #expect(outcome?.status != .permissionDenied, "\(who) may call \(method): \(String(describing: outcome))")
                    } else {
                        #expect(outcome?.status == .permissionDenied, "\(who) may not call \(method): \(String(describing: outcome))")
                    }
                }
            }
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    @Test func callersTheKitChecks() async throws {
        let live = try await LiveLiaison()
        do {
            let pki = LiaisonPKI.shared
            // job-fair is not among callers.allowed.
            let jobFair = try LiveLiaison.client(port: live.port, files: pki.jobFair)
            let notAllowed = await refusal { _ = try await live.call(M.listLiaisons, .init(), as: As.admin, via: jobFair) }
            #expect(notAllowed?.status == .permissionDenied)
            await jobFair.shutdown()
            // An admin tool may call as itself (the office) but not forward a principal.
            let admin = try LiveLiaison.client(port: live.port, files: pki.admin)
            #expect(try await live.call(M.listLiaisons, .init(), as: nil, via: admin).liaisons.count == 2)
            #expect(await refusal { _ = try await live.call(M.listLiaisons, .init(), as: As.admin, via: admin) }?.status == .permissionDenied)
            await admin.shutdown()
            // The gateway without a principal.
            #expect(await refusal { _ = try await live.call(M.listLiaisons, .init(), as: nil) }?.status == .unauthenticated)
            // A liaison sees only their own organisations and visits.
            let mine = try await live.call(M.listOrganisations, .init(), as: As.alice).organisations.map(\.organisationID)
            #expect(mine == ["org-1", "org-2"])
            #expect(try await live.call(M.listLiaisons, .init(), as: As.bob).liaisons.map(\.liaisonID.value) == ["l-bob"])
            // A department does not see the draft list; another liaison does not see Alice's item.
            let item = try await live.file("org-1", by: As.alice).itemID
            #expect(await refusal { _ = try await live.get(item, by: As.social) }?.reason == "ITEM_NOT_FOUND")
            #expect(await refusal { _ = try await live.get(item, by: As.bob) }?.reason == "ITEM_NOT_FOUND")
            #expect(try await live.get(item, by: As.alice).itemID == item)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}
