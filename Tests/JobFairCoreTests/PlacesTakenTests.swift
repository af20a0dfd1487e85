import JobFairCore
import Testing

/// Places filled by hires after an earlier round are not offered again: the round matches
/// only the rest, and applicants of a position with none left are told so.
@Suite struct PlacesTakenTests {
    @Test func aPositionWithEveryPlaceTakenTakesNobodyAndSaysWhy() throws {
        var instance = Fixtures.instance(
            positions: [Fixtures.position(10, headcount: 2, title: "电焊工"), Fixtures.position(11, headcount: 2)],
            seekers: [Fixtures.seeker(1, choices: [10, 11]), Fixtures.seeker(2, choices: [10, 11]), Fixtures.seeker(3, choices: [10])])
        instance.placesTaken = [10: 1]
        let partly = try FairMatcher.run(instance)
        #expect(partly.assignments == [1: 10, 2: 11])
        #expect(BlockingPairs.count(partly.ranked.problem, partly.result) == 0)

        instance.placesTaken = [10: 2]
        let full = try FairMatcher.run(instance)
        #expect(full.assignments == [1: 11, 2: 11])
        #expect(BlockingPairs.count(full.ranked.problem, full.result) == 0)
        let first = try #require(full.explanations.first { $0.seekerID == 1 })
        #expect(first.outcomes.first == .alreadyFilled(positionID: 10))
        #expect(first.text.contains("Your 1st choice, 电焊工 at 闽兴机械制造有限公司, had no place left this round"), "\(first.text)")
        let third = try #require(full.explanations.first { $0.seekerID == 3 })
        #expect(third.positionID == nil && third.outcomes == [.alreadyFilled(positionID: 10)])
    }

    @Test func placesTakenMustNameAPositionAndNotBeNegative() {
        var instance = Fixtures.instance(positions: [Fixtures.position(10)], seekers: [])
        instance.placesTaken = [10: -1, 99: 1]
        #expect(FairValidator.validate(instance).map(\.field) == ["placesTaken[10]", "placesTaken[99]"])
    }
}
