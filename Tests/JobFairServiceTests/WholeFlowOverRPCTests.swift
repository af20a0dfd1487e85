import Foundation
import GRDB
import JobFairCore
import JobFairService
import Testing
import TownshipProtos

/// The whole flow over real TLS: a fair, enterprises, positions, seekers and their lists, the
/// fit-score round, an enterprise's own ranking and the second round with its differences,
/// explanations, offers through to a hire, and the figures leaders read.
@Suite("Job fair: the whole flow over live RPC")
struct WholeFlowOverRPCTests {
    @Test func fromListsToHires() async throws {
        let live = try await LiveJobFair()
        do {
            let f = try await live.smallFair()
            let (s1, s2, s3) = (f.seekers[0], f.seekers[1], f.seekers[2])

            // Round 1, by fit score: seekers 1 and 3 tie for the welder; the lower id wins.
            let round1 = try await live.runMatch(fair: f.fair)
            #expect(round1.number == 1 && round1.matched == 3 && round1.unmatched == 0 && round1.blockingPairs == 0)
            let third = try await live.result(fair: f.fair, as: Who.seeker3)
            #expect(third.positionID.value == f.packer && third.choiceNumber == 2)
            #expect(third.outcomes.first?.kind == .filledByHigherRanked)
            #expect(third.explanation.contains("Matched to your 2nd choice"), "\(third.explanation)")
            #expect(third.explanation.contains("filled its only place with applicants it ranks higher"), "\(third.explanation)")

            // The employer sees its applicants (phones masked) and ranks seeker 3 first.
            var applicants = Township_Jobfair_V1_ListApplicantsRequest()
            applicants.positionID.value = f.welder
            let listed = try await live.call(JF.listApplicants, applicants, as: Who.employerA)
            #expect(listed.applicants.map(\.seeker.id.value) == [s1, s3, s2])
            #expect(listed.applicants.allSatisfy { $0.seeker.phone == "138****5678" })
            var ranking = Township_Jobfair_V1_SetRankingRequest()
            ranking.positionID.value = f.welder
            ranking.seekerIds = [s3, s1].map { var id = Township_Jobfair_V1_SeekerId(); id.value = $0; return id }
            _ = try await live.call(JF.setRanking, ranking, as: Who.employerA)

            // Round 2: a new round with its differences; round 1 is unchanged.
            let round2 = try await live.runMatch(fair: f.fair)
            #expect(round2.number == 2 && round2.blockingPairs == 0 && round2.changedFromPrevious == 2)
            var diff = Township_Jobfair_V1_GetRoundDiffRequest()
            diff.fairID.value = f.fair
            let changes = try await live.call(JF.getRoundDiff, diff, as: Who.leader)
            #expect(changes.round == 2 && changes.previousRound == 1)
            #expect(changes.changes.map { [$0.seekerID.value, $0.previousPositionID.value, $0.currentPositionID.value] }
                    == [[s1, f.welder, f.packer], [s3, f.packer, f.welder]].sorted { Int($0[0])! < Int($1[0])! })
            let first = try await live.result(fair: f.fair, as: Who.seeker1, round: 1)
            #expect(first.positionID.value == f.welder)
            let second = try await live.result(fair: f.fair, as: Who.seeker1)
            #expect(second.round == 2 && second.positionID.value == f.packer)
            #expect(second.explanation.contains("filled its only place"), "\(second.explanation)")

            // Offer, accept, hire; anything out of order is refused.
            let early = await failure { _ = try await live.record(fair: f.fair, seeker: s3, position: f.welder, .hired, as: Who.employerA) }
            #expect(early?.status == .failedPrecondition && early?.reason == "INVALID_TRANSITION")
            let wrongPair = await failure { _ = try await live.record(fair: f.fair, seeker: s2, position: f.welder, .offered, as: Who.employerA) }
            #expect(wrongPair?.reason == "NOT_MATCHED")
            _ = try await live.record(fair: f.fair, seeker: s3, position: f.welder, .offered, as: Who.employerA)
            _ = try await live.record(fair: f.fair, seeker: "", position: f.welder, .accepted, as: Who.seeker3)
            let hired = try await live.record(fair: f.fair, seeker: s3, position: f.welder, .hired, as: Who.employerA)
            #expect(hired.state == .hired && hired.round == 2)
            // Recording the same state again is a no-op (a retry is safe).
            #expect(try await live.record(fair: f.fair, seeker: s3, position: f.welder, .hired, as: Who.employerA).state == .hired)
            _ = try await live.record(fair: f.fair, seeker: s1, position: f.packer, .offered, as: Who.employerB)
            _ = try await live.record(fair: f.fair, seeker: "", position: f.packer, .refused, as: Who.seeker1)

            // The figures leaders see.
            let figures = try await live.figures(fair: f.fair)
            #expect(figures.latestRound == 2)
            #expect(figures.totals.positions == 2 && figures.totals.places == 3 && figures.totals.seekers == 3)
            #expect(figures.totals.applications == 6 && figures.totals.matched == 3 && figures.totals.unmatched == 0)
            #expect(figures.totals.offers == 2 && figures.totals.acceptances == 1 && figures.totals.refusals == 1 && figures.totals.hires == 1)
            #expect(figures.enterprises.map(\.enterpriseID.value) == [f.enterpriseA, f.enterpriseB])
            #expect(figures.enterprises.map(\.figures.hires) == [1, 0])
            #expect(figures.sectors.map(\.sector) == [.manufacturing] && figures.sectors[0].figures.hires == 1)

            // A later round leaves the hired seeker out and the welder's only place taken; the
            // hire stays in the figures (each seeker's latest step counts).
            let round3 = try await live.runMatch(fair: f.fair)
            #expect(round3.number == 3 && round3.seekers == 2 && round3.places == 2 && round3.matched == 2 && round3.changedFromPrevious == 1)
            let third3 = try await live.result(fair: f.fair, as: Who.seeker1)
            #expect(third3.positionID.value == f.packer && third3.outcomes.first?.kind == .alreadyFilled, "\(third3)")
            #expect(third3.explanation.contains("had no place left this round"), "\(third3.explanation)")
            #expect(await failure { _ = try await live.result(fair: f.fair, as: Who.seeker3) }?.reason == "SEEKER_NOT_FOUND")
            let later = try await live.figures(fair: f.fair)
            #expect(later.latestRound == 3 && later.totals.hires == 1 && later.enterprises.map(\.figures.hires) == [1, 0])
            #expect(later.totals.matched == 2 && later.totals.unfilledPositions == 0)

            // Stored rounds are immutable, whoever tries.
            let dbQueue = try DatabaseQueue(path: live.databasePath)
            #expect(throws: DatabaseError.self) { try dbQueue.write { try $0.execute(sql: "UPDATE rounds SET matched = 0") } }
            #expect(throws: DatabaseError.self) { try dbQueue.write { try $0.execute(sql: "DELETE FROM round_results") } }
            let durability = try live.store.durabilitySettings()
            #expect(durability.journalMode == "wal" && durability.synchronous == 2)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    /// The demo fair at the seed's scale goes through the service: a stable round with its
    /// matched count, and explanations for everyone.
    @Test func theDemoFairMatchesStablyThroughTheStore() async throws {
        let live = try await LiveJobFair()
        do {
            try await live.store.load(JobFairCore.DemoFairGenerator(seed: 2026).generate())
            var run = Township_Jobfair_V1_RunMatchRequest()
            run.fairID.value = "1"
            let round = try await live.call(JF.runMatch, run, as: Who.admin).round
            #expect(round.blockingPairs == 0 && round.positions >= 800 && round.matched > 560)
            #expect(try await live.store.recordDemoOutcomes(fairID: 1, hires: 560, refusals: 28, pending: 56) == 560)
            let figures = try await live.figures(fair: "1")
            #expect(figures.totals.hires == 560 && figures.enterprises.count == 82)
            #expect(figures.enterprises.map(\.figures.hires).reduce(0, +) == 560)
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
