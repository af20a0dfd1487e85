import Foundation
import NIOCore
import LiaisonCore
import LiaisonService
import TownshipProtos
import TownshipRPC
import TownshipWire
import Testing

/// Each bad input is refused with a clear status and reason, and changes nothing.
@Suite(.serialized) struct BadInputOverRPCTests {
    @Test func everyRefusalNamesItsReasonAndChangesNothing() async throws {
        let live = try await LiveLiaison()
        do {
            // A problem filed for an enterprise the liaison is not assigned to.
            let notAssigned = await refusal { _ = try await live.file("org-3", by: As.alice) }
            #expect(notAssigned?.status == .permissionDenied && notAssigned?.reason == "NOT_ASSIGNED")
            var all = Township_Liaison_V1_ListProblemsRequest()
            #expect(try await live.call(M.listProblems, all, as: As.admin).items.isEmpty)
            let unknown = await refusal { _ = try await live.file("org-9", by: As.alice) }
            #expect(unknown?.status == .notFound && unknown?.reason == "ORGANISATION_NOT_FOUND")
            let badType = await refusal { _ = try await live.file("org-1", by: As.alice, type: .unspecified) }
            #expect(badType?.status == .invalidArgument)
            let badRequestID = await refusal { _ = try await live.file("org-1", by: As.alice, requestID: "") }
            #expect(badRequestID?.status == .invalidArgument)

            // A period that does not exist.
            for period in ["2026-13-1", "2026-03-3", "March"] {
                let bad = await refusal { _ = try await live.publish(period) }
                #expect(bad?.status == .invalidArgument && bad?.reason == "PERIOD_INVALID", "\(period)")
                all.period = period
                #expect(await refusal { _ = try await live.call(M.listProblems, all, as: As.admin) }?.reason == "PERIOD_INVALID")
            }
            all.period = ""

            // A merge of items from different periods.
            let first = try await live.file("org-1", by: As.alice)
            live.clock.advance(days: 15)
            let second = try await live.file("org-3", by: As.bob)
            var merge = Township_Liaison_V1_MergeProblemsRequest()
            merge.clientRequestID = "m"; merge.itemIds = [first.itemID, second.itemID]; merge.title = "t"; merge.description_p = "d"
            let periods = await refusal { _ = try await live.call(M.mergeProblems, merge, as: As.admin) }
            #expect(periods?.status == .failedPrecondition && periods?.reason == "PERIODS_DIFFER")
            #expect(try await live.get(first.itemID).state == .filed)
            #expect(try await live.get(second.itemID).state == .filed)
            #expect(try await live.call(M.listProblems, all, as: As.admin).items.count == 2)

            // Two departments claim at once: exactly one wins, the other gets ALREADY_CLAIMED.
            _ = try await live.publish("2026-03-1")
            async let social = refusal { _ = try await live.claim(first.itemID, by: As.social) }
            async let construction = refusal { _ = try await live.claim(first.itemID, by: As.construction) }
            let outcomes = [await social, await construction]
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.compactMap { $0 }.map { $0.reason } == ["ALREADY_CLAIMED"])
            #expect(outcomes.compactMap { $0 }.first?.status == .alreadyExists)
            let winner = try await live.get(first.itemID)
            #expect(winner.timeline.filter { $0.kind == .claimed }.count == 1)
            let claimer = winner.departmentID.value == "dept-social" ? As.social : As.construction
            let other = winner.departmentID.value == "dept-social" ? As.construction : As.social

            // Only the claiming department answers.
            let wrongDepartment = await refusal { _ = try await live.answer(first.itemID, by: other) }
            #expect(wrongDepartment?.reason == "NOT_CLAIMING_DEPARTMENT")

            // Clearing without the enterprise's confirmation.
            _ = try await live.answer(first.itemID, by: claimer)
            let before = try await live.get(first.itemID)
            let unconfirmed = await refusal { _ = try await live.clear(first.itemID) }
            #expect(unconfirmed?.status == .failedPrecondition && unconfirmed?.reason == "NOT_CONFIRMED_BY_ENTERPRISE")
            #expect(try await live.get(first.itemID) == before)
            // The enterprise's confirmation comes from its liaison, not another one.
            #expect(await refusal { _ = try await live.confirm(first.itemID, by: As.bob) }?.reason == "NOT_ASSIGNED")
            _ = try await live.confirm(first.itemID, by: As.alice)
            #expect(try await live.clear(first.itemID).state == .cleared)

            // Assigning before the claim window ends; an unknown item.
            let third = try await live.file("org-2", by: As.alice)
            live.clock.advance(days: 16)
            _ = try await live.publish("2026-03-2")
            var assign = Township_Liaison_V1_AssignProblemRequest(); assign.itemID = third.itemID; assign.departmentID.value = "dept-social"
            #expect(await refusal { _ = try await live.call(M.assignProblem, assign, as: As.admin) }?.reason == "CLAIM_WINDOW_OPEN")
            #expect(await refusal { _ = try await live.get(999) }?.reason == "ITEM_NOT_FOUND")

            // A bad credit code; a duplicate registration with other details.
            var org = Township_Liaison_V1_RegisterOrganisationRequest()
            org.organisation.organisationID = "org-9"; org.organisation.name = "新企业"; org.organisation.kind = .enterprise
            org.organisation.creditCode = "91350100M000100Y44"
            let code = await refusal { _ = try await live.call(M.registerOrganisation, org, as: As.admin) }
            #expect(code?.status == .invalidArgument && code?.reason == "CREDIT_CODE_INVALID")
            org.organisation.organisationID = "org-1"; org.organisation.creditCode = LiveLiaison.codes[0]
            #expect(await refusal { _ = try await live.call(M.registerOrganisation, org, as: As.admin) }?.reason == "DUPLICATE")

            // Tax benefits in another currency; a visit in the future.
            var help = Township_Liaison_V1_RecordHelpRequest()
            help.clientRequestID = "h"; help.help.organisationID = "org-1"; help.help.date = "2026-03-02"; help.help.kind = .taxBenefit
            help.help.taxBenefit.amountFen = 100; help.help.taxBenefit.currencyCode = "USD"
            #expect(await refusal { _ = try await live.call(M.recordHelp, help, as: As.alice) }?.status == .invalidArgument)
            var visit = Township_Liaison_V1_RecordVisitRequest()
            visit.clientRequestID = "v"; visit.visit.organisationID = "org-1"; visit.visit.date = "2027-01-01"; visit.visit.findings = "x"
            #expect(await refusal { _ = try await live.call(M.recordVisit, visit, as: As.alice) }?.status == .invalidArgument)
            var visits = Township_Liaison_V1_ListVisitsRequest()
            #expect(try await live.call(M.listVisits, visits, as: As.admin).visits.isEmpty)
            visits.page.pageSize = -1
            #expect(await refusal { _ = try await live.call(M.listVisits, visits, as: As.admin) }?.status == .invalidArgument)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    @Test func retriesWithTheSameRequestIDDoNotDuplicate() async throws {
        let live = try await LiveLiaison()
        do {
            let one = try await live.file("org-1", by: As.alice, requestID: "same")
            let two = try await live.file("org-1", by: As.alice, requestID: "same")
            #expect(one.itemID == two.itemID)
            var visit = Township_Liaison_V1_RecordVisitRequest()
            visit.clientRequestID = "v-1"; visit.visit.organisationID = "org-1"; visit.visit.date = "2026-03-02"
            visit.visit.findings = "用工缺口"; visit.visit.followUps = ["两周内回访"]
            let v1 = try await live.call(M.recordVisit, visit, as: As.alice).visit
            let v2 = try await live.call(M.recordVisit, visit, as: As.alice).visit
            #expect(v1.visitID == v2.visitID && v1.followUps == ["两周内回访"])
            var help = Township_Liaison_V1_RecordHelpRequest()
            help.clientRequestID = "h-1"; help.help.organisationID = "org-1"; help.help.date = "2026-03-02"; help.help.kind = .taxBenefit
            help.help.taxBenefit.amountFen = 6_178_000_000; help.help.taxBenefit.currencyCode = "CNY"
            _ = try await live.call(M.recordHelp, help, as: As.alice)
            _ = try await live.call(M.recordHelp, help, as: As.alice)
            let figures = try await live.call(M.getFigures, Township_Liaison_V1_GetFiguresRequest(), as: As.admin)
            #expect(figures.help.taxBenefits.amountFen == 6_178_000_000 && figures.help.visits == 1)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}

/// Lists are paged at `liaison.maxPageSize`: a caller asking for more gets that many and a cursor.
@Suite(.serialized) struct PagingOverRPCTests {
    @Test func pagesAreCappedAndCursorsChecked() async throws {
        let live = try await LiveLiaison(limits: LiaisonLimits(maxPageSize: 2, defaultPageSize: 100))
        do {
            var request = Township_Liaison_V1_ListOrganisationsRequest()
            request.page.pageSize = 10
            let first = try await live.call(M.listOrganisations, request, as: As.admin)
            #expect(first.organisations.map(\.organisationID) == ["org-1", "org-2"] && first.page.nextCursor == "2" && first.page.totalSize == 3)
            request.page.cursor = first.page.nextCursor
            let second = try await live.call(M.listOrganisations, request, as: As.admin)
            #expect(second.organisations.map(\.organisationID) == ["org-3"] && second.page.nextCursor.isEmpty)
            #expect(try await live.call(M.listOrganisations, .init(), as: As.admin).organisations.count == 2, "no size asked: the default, capped")
            request.page.cursor = "99"
            #expect(await refusal { _ = try await live.call(M.listOrganisations, request, as: As.admin) }?.status == .invalidArgument)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}

/// Spec §6: a call with an idempotency key is answered once; a retry gets the first reply,
/// byte for byte, without the work being done again; the key with another request is refused.
@Suite(.serialized) struct IdempotencyKeyOverRPCTests {
    func retype(_ live: LiveLiaison, _ id: Int64, _ type: Township_Liaison_V1_ProblemType, key: String?) async throws -> ByteBuffer {
        var request = Township_Liaison_V1_RetypeProblemRequest(); request.itemID = id; request.type = type
        var options = CallOptions(timeout: .seconds(20), idempotencyKey: key)
        options.principal = ByteBuffer(bytes: try As.admin.serializedBytes() as [UInt8])
        return try await live.gateway.unary(M.retypeProblem.path, ByteBuffer(bytes: try request.serializedBytes() as [UInt8]), options: options)
    }

    @Test func aKeyedRetryGetsTheFirstReplyAndChangesNothing() async throws {
        let live = try await LiveLiaison()
        do {
            let item = try await live.file("org-1", by: As.alice).itemID
            let first = try await retype(live, item, .difficult, key: "k-1")
            // Someone changes the item back; the retry must not redo the first call's work.
            _ = try await retype(live, item, .individual, key: nil)
            let retry = try await retype(live, item, .difficult, key: "k-1")
            #expect(retry == first)
            #expect(try Township_Liaison_V1_ProblemResponse(serializedBytes: Array(retry.readableBytesView)).item.type == .difficult)
            #expect(try await live.get(item).type == .individual)
            let reused = await refusal { _ = try await retype(live, item, .common, key: "k-1") }
            #expect(reused?.status == .invalidArgument)
            #expect(try await live.get(item).type == .individual)
            // Keys are forgotten after their hours.
            #expect(try await live.store.forgetIdempotencyKeys(olderThan: 24, now: live.clock.now().adding(days: 2)) == 1)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}
