import JobFairCore
import Testing

@Suite struct RankingTests {
    @Test func theScoreFollowsItsDocumentedFormula() {
        let position = Fixtures.position(10, skills: ["电焊", "机械识图", "PLC"], education: .juniorSecondary, years: 2,
                                         at: Location(name: "厂区", eastMetres: 3000, northMetres: 0))
        let seeker = Fixtures.seeker(1, choices: [10], education: .juniorCollege, years: 15, skills: ["电焊", "PLC", "驾驶"],
                                     at: Location(name: "家", eastMetres: 0, northMetres: 4999))
        // 2 skills, min(13, 10) surplus years, min(3, 3) levels above 初中, 7 whole km away.
        #expect(FitScore.score(of: seeker, for: position) == 2 * 1000 + 10 * 100 + 3 * 50 + (50 - 7) * 10)
    }

    @Test func hardRequirementsAreCheckedInOrder() {
        let position = Fixtures.position(10, education: .juniorCollege, years: 3, certificates: ["电工证"])
        #expect(FitScore.hardRequirementFailure(of: Fixtures.seeker(1, choices: [], education: .seniorSecondary), for: position)
                == .education(required: .juniorCollege, actual: .seniorSecondary))
        #expect(FitScore.hardRequirementFailure(of: Fixtures.seeker(1, choices: [], education: .bachelor, years: 2), for: position)
                == .experience(requiredYears: 3, actualYears: 2))
        #expect(FitScore.hardRequirementFailure(of: Fixtures.seeker(1, choices: [], education: .bachelor, years: 3), for: position)
                == .certificate(missing: "电工证"))
        #expect(FitScore.hardRequirementFailure(of: Fixtures.seeker(1, choices: [], education: .bachelor, years: 3, certificates: ["电工证"]), for: position) == nil)
    }

    @Test func equalScoresAreBrokenBySeekerIDAscendingAndFailuresAreNotRanked() throws {
        // Seekers listed out of id order; 7 and 3 tie, 5 scores higher, 9 lacks the certificate.
        let instance = Fixtures.instance(
            positions: [Fixtures.position(10, skills: ["叉车"], certificates: ["叉车证"])],
            seekers: [
                Fixtures.seeker(7, choices: [10], certificates: ["叉车证"]),
                Fixtures.seeker(9, choices: [10], skills: ["叉车"]),
                Fixtures.seeker(3, choices: [10], certificates: ["叉车证"]),
                Fixtures.seeker(5, choices: [10], skills: ["叉车"], certificates: ["叉车证"]),
            ])
        let ranked = try FairRanker.rank(instance)
        #expect(ranked.rankedSeekers(ofPosition: 0).map { ranked.seekerIDs[Int($0)] } == [5, 3, 7])
        let edgeOf9 = try #require(ranked.edge(seeker: ranked.seekerIDs.firstIndex(of: 9)!, position: 0))
        #expect(ranked.notRankedReasons[edgeOf9] == .certificate(missing: "叉车证"))
    }

    @Test func anEnterpriseRankingIsUsedAsGivenAndLeavesOutWhomItOmits() throws {
        let instance = Fixtures.instance(
            positions: [Fixtures.position(10, education: .bachelor), Fixtures.position(11)],
            seekers: [Fixtures.seeker(1, choices: [10, 11]), Fixtures.seeker(2, choices: [10]), Fixtures.seeker(3, choices: [10, 11])],
            // The enterprise's own judgement stands, even over the fit score's hard requirement.
            rankings: [EmployerRanking(positionID: 10, seekerIDs: [3, 1]), EmployerRanking(positionID: 11, seekerIDs: [])])
        let ranked = try FairRanker.rank(instance)
        #expect(ranked.rankedSeekers(ofPosition: 0).map { ranked.seekerIDs[Int($0)] } == [3, 1])
        #expect(ranked.rankedSeekers(ofPosition: 1).isEmpty)
        #expect(ranked.notRankedReasons[try #require(ranked.edge(seeker: 1, position: 0))] == .leftOutByEmployer)
        #expect(ranked.rankedByEmployer == [true, true])
    }
}
