import JobFairCore
import Testing

@Suite struct ExplanationTests {
    /// Seeker 1 wants 焊工 (3 places, taken by 2, 3, 4 who have more skills), then 质检员
    /// (requires 大专), then 普工 which takes them.
    static func instance() -> FairInstance {
        Fixtures.instance(
            positions: [
                Fixtures.position(10, headcount: 3, title: "电焊工", skills: ["电焊"]),
                Fixtures.position(11, title: "质检员", education: .juniorCollege),
                Fixtures.position(12, title: "普工"),
            ],
            seekers: [
                Fixtures.seeker(1, choices: [10, 11, 12], education: .seniorSecondary),
                Fixtures.seeker(2, choices: [10], skills: ["电焊"]),
                Fixtures.seeker(3, choices: [10], skills: ["电焊"]),
                Fixtures.seeker(4, choices: [10], skills: ["电焊"]),
                Fixtures.seeker(5, choices: []),
                Fixtures.seeker(6, choices: [11], years: 1),
            ])
    }

    @Test func aSecondOrLaterChoiceIsExplainedByEachChoiceAboveIt() throws {
        let round = try FairMatcher.run(Self.instance())
        let explanation = try #require(round.explanations.first { $0.seekerID == 1 })
        #expect(explanation.positionID == 12)
        #expect(explanation.choiceNumber == 3)
        #expect(explanation.outcomes == [
            .filledByHigherRanked(positionID: 10, places: 3, yourPlace: 4, lastAdmittedPlace: 3, rankedCount: 4),
            .notRanked(positionID: 11, reason: .education(required: .juniorCollege, actual: .seniorSecondary)),
            .matched(positionID: 12),
        ])
        #expect(explanation.text == "Matched to your 3rd choice, 普工 at 闽兴机械制造有限公司. "
            + "Your 1st choice, 电焊工 at 闽兴机械制造有限公司, filled its 3 places with applicants it ranks higher (you were 4th of 4; the last place went to its 3rd). "
            + "Your 2nd choice, 质检员 at 闽兴机械制造有限公司, did not rank you: it requires 大专 (you: 高中).")
    }

    @Test func firstChoicesEmptyListsAndUnmatchedSeekersAreExplained() throws {
        let round = try FairMatcher.run(Self.instance())
        let byID = Dictionary(uniqueKeysWithValues: round.explanations.map { ($0.seekerID, $0) })
        #expect(byID[2]?.text == "Matched to your 1st choice, 电焊工 at 闽兴机械制造有限公司.")
        #expect(byID[5]?.text == "Not matched: you listed no positions.")
        #expect(byID[6]?.positionID == nil)
        #expect(byID[6]?.text == "Not matched to your only choice. Your 1st choice, 质检员 at 闽兴机械制造有限公司, did not rank you: it requires 大专 (you: 高中).")
    }

    @Test func everyDemoSeekerGetsAnExplanationConsistentWithTheResult() throws {
        let round = try FairMatcher.run(DemoFairGenerator(seed: 11).generate())
        #expect(round.explanations.count == round.ranked.seekerIDs.count)
        for explanation in round.explanations {
            #expect(explanation.positionID == round.assignments[explanation.seekerID])
            #expect(!explanation.text.contains("inconsistent"))
        }
    }

    @Test func ordinals() {
        #expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ExplanationWriter.ordinal)
                == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"])
    }
}

@Suite struct RoundDiffTests {
    @Test func aChangedFairGivesTheSeekersWhoMoved() throws {
        var instance = ExplanationTests.instance()
        let first = try FairMatcher.run(instance)
        // 电焊工 gains a place: seeker 1 moves up to it, 普工 is freed.
        instance.positions[0].headcount = 4
        // A new seeker arrives for 普工; seeker 4 leaves.
        instance.seekers.append(Fixtures.seeker(7, choices: [12]))
        instance.seekers.removeAll { $0.id == 4 }
        let second = try FairMatcher.run(instance)
        #expect(RoundDiff.changes(from: first.assignments, to: second.assignments) == [
            RoundChange(seekerID: 1, previousPositionID: 12, currentPositionID: 10),
            RoundChange(seekerID: 4, previousPositionID: 10, currentPositionID: nil),
            RoundChange(seekerID: 7, previousPositionID: nil, currentPositionID: 12),
        ])
        #expect(RoundDiff.changes(from: second.assignments, to: second.assignments).isEmpty)
    }
}
