import Foundation
@testable import JobFairService
import Testing
import TownshipProtos

/// Every bad input of issue #13 refused with a clear error naming the field, nothing changed.
@Suite("Job fair: bad input over live RPC")
struct BadInputOverRPCTests {
    @Test func aCreditCodeWithAWrongCheckCharacterIsRefusedAndNothingStored() async throws {
        let live = try await LiveJobFair()
        do {
            var code = Array(LiveJobFair.creditCode(7))
            code[17] = code[17] == "0" ? "1" : "0"
            let refused = await failure { _ = try await live.call(JF.registerEnterprise, live.enterpriseRequest(7, employers: [], code: String(code)), as: Who.admin) }
            #expect(refused?.status == .invalidArgument && refused?.fields == ["enterprise.credit_code"])
            #expect(refused?.message.contains("wrong check character") == true, "\(refused?.message ?? "")")
            #expect(try await live.store.enterprises().isEmpty)
            // The same code twice: the second is ALREADY_EXISTS.
            _ = try await live.registerEnterprise(1, employers: [])
            var again = live.enterpriseRequest(1, employers: [])
            again.clientRequestID = "another"
            #expect(await failure { _ = try await live.call(JF.registerEnterprise, again, as: Who.admin) }?.reason == "CREDIT_CODE_TAKEN")
            // The same client request id: the first enterprise again, not a second one.
            _ = try await live.registerEnterprise(1, employers: [])
            #expect(try await live.store.enterprises().count == 1)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test func aPositionWithHeadcountZeroIsRefused() async throws {
        let live = try await LiveJobFair()
        do {
            let fair = try await live.createFair()
            let enterprise = try await live.registerEnterprise(1, employers: ["emp-a"])
            var request = live.positionRequest(fair: fair, enterprise: enterprise, title: "普工", headcount: 0)
            request.position.salaryMaximumPerMonth.amountFen = 100_050
            let refused = await failure { _ = try await live.call(JF.createPosition, request, as: Who.employerA) }
            #expect(refused?.status == .invalidArgument)
            #expect(refused?.fields == ["position.headcount", "position.salary_maximum_per_month.amount_fen", "position.salary_maximum_per_month"])
            #expect(try await live.store.positions(fairID: Int(fair)!).isEmpty)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test func aSeekerRankingAPositionTwiceOrMoreThanTenIsRefused() async throws {
        let live = try await LiveJobFair()
        do {
            let f = try await live.smallFair()
            let twice = await failure { try await live.setList(fair: f.fair, [f.packer, f.welder, f.packer], as: Who.seeker1) }
            #expect(twice?.status == .invalidArgument && twice?.fields == ["position_ids[2]"])
            #expect(twice?.message.contains("ranked twice") == true)
            let eleven = await failure { try await live.setList(fair: f.fair, Array(repeating: f.packer, count: 11), as: Who.seeker1) }
            #expect(eleven?.status == .invalidArgument && eleven?.fields == ["position_ids"])
            let unknown = await failure { try await live.setList(fair: f.fair, ["999"], as: Who.seeker1) }
            #expect(unknown?.status == .invalidArgument && unknown?.fields == ["position_ids[0]"])
            // Nothing changed: the list is still welder, packer.
            #expect(try await live.store.applications(fairID: Int(f.fair)!, seekerID: Int(f.seekers[0])!) == [Int(f.welder)!, Int(f.packer)!])
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test func aRankingThatNamesANonApplicantIsRefused() async throws {
        let live = try await LiveJobFair()
        do {
            let f = try await live.smallFair()
            let outsider = try await live.putProfile(as: Who.principal("seeker-9", .jobSeeker), name: "林芳")
            var ranking = Township_Jobfair_V1_SetRankingRequest()
            ranking.positionID.value = f.welder
            ranking.seekerIds = [f.seekers[0], outsider.id.value, f.seekers[0]].map { var id = Township_Jobfair_V1_SeekerId(); id.value = $0; return id }
            let refused = await failure { _ = try await live.call(JF.setRanking, ranking, as: Who.employerA) }
            #expect(refused?.status == .invalidArgument && refused?.fields == ["seeker_ids[1]", "seeker_ids[2]"])
            #expect(refused?.message.contains("did not apply") == true)
            #expect(try await live.store.position(Int(f.welder)!).rankedByEmployer == false)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    /// A RunMatch while another runs is refused, never queued or interleaved: the first run is
    /// held by taking the store's run guard, as a running match does.
    @Test func aMatchRunWhileAnotherRunsIsRefused() async throws {
        let live = try await LiveJobFair()
        do {
            let f = try await live.smallFair()
            #expect(live.store.beginMatchRun())
            let refused = await failure { _ = try await live.runMatch(fair: f.fair) }
            #expect(refused?.status == .failedPrecondition && refused?.reason == "MATCH_ALREADY_RUNNING")
            var get = Township_Jobfair_V1_GetRoundRequest()
            get.fairID.value = f.fair
            #expect(await failure { _ = try await live.call(JF.getRound, get, as: Who.leader) }?.reason == "ROUND_NOT_FOUND")
            live.store.endMatchRun()
            #expect(try await live.runMatch(fair: f.fair).number == 1)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test func malformedIdsPagesAndLimits() async throws {
        let live = try await LiveJobFair(limits: { var l = JobFairLimits(); l.maxListEntries = 2; return l }())
        do {
            let f = try await live.smallFair()
            var list = Township_Jobfair_V1_ListPositionsRequest()
            list.fairID.value = "bad id!"
            #expect(await failure { _ = try await live.call(JF.listPositions, list, as: Who.resident) }?.fields == ["fair_id"])
            list.fairID.value = "f-42"
            #expect(await failure { _ = try await live.call(JF.listPositions, list, as: Who.resident) }?.reason == "FAIR_NOT_FOUND")
            list.fairID.value = f.fair
            list.page.pageSize = 1
            let page1 = try await live.call(JF.listPositions, list, as: Who.resident)
            #expect(page1.positions.map(\.id.value) == [f.welder] && !page1.page.nextCursor.isEmpty)
            list.page.cursor = page1.page.nextCursor
            #expect(try await live.call(JF.listPositions, list, as: Who.resident).positions.map(\.id.value) == [f.packer])
            list.enterpriseID.value = f.enterpriseA
            #expect(await failure { _ = try await live.call(JF.listPositions, list, as: Who.resident) }?.reason == "CURSOR_MISMATCH")
            let tooMany = await failure { _ = try await live.putProfile(as: Who.seeker1, name: "陈伟", skills: ["a", "b", "c"]) }
            #expect(tooMany?.fields == ["seeker.skills"])
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    /// Positions per enterprise and fair are bounded; a client request id is scoped to its user.
    @Test func positionsPerEnterpriseAreBoundedAndRequestIDsArePerUser() async throws {
        let live = try await LiveJobFair(limits: { var l = JobFairLimits(); l.maxPositionsPerEnterprise = 2; return l }())
        do {
            let fair = try await live.createFair()
            let enterprise = try await live.registerEnterprise(1, employers: ["emp-a"])
            let request = live.positionRequest(fair: fair, enterprise: enterprise, title: "普工", headcount: 2, requestID: "same")
            let byEmployer = try await live.call(JF.createPosition, request, as: Who.employerA).position.id.value
            #expect(try await live.call(JF.createPosition, request, as: Who.employerA).position.id.value == byEmployer)
            let byAdmin = try await live.call(JF.createPosition, request, as: Who.admin).position.id.value
            #expect(byAdmin != byEmployer)
            var third = request
            third.clientRequestID = "third"
            let refused = await failure { _ = try await live.call(JF.createPosition, third, as: Who.employerA) }
            #expect(refused?.status == .resourceExhausted && refused?.message.contains("jobFair.maxPositionsPerEnterprise") == true)
            #expect(try await live.store.positions(fairID: Int(fair)!).count == 2)
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
