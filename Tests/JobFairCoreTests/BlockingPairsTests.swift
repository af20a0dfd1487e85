@testable import JobFairCore
import Testing

/// The core's own blocking-pair count (what the service stores per round) agrees with the
/// independent checker of the tests, and sees a pair when a result is wrong.
@Suite struct BlockingPairsTests {
    @Test func zeroForTheMatcherAndAgreesWithTheIndependentChecker() throws {
        for seed in UInt64(1)...40 {
            let instance = RandomInstances.make(seed: seed)
            let round = try FairMatcher.run(instance)
            #expect(BlockingPairs.count(round.ranked.problem, round.result) == 0)
            #expect(BlockingPairChecker.check(PlainInstance(round.ranked), assignment: round.assignments).blockingPairs.isEmpty)
        }
    }

    /// One place, two applicants; giving the place to the one the position ranks lower blocks.
    @Test func aWrongResultHasABlockingPair() throws {
        let problem = try MatchingProblem(capacities: [1], choiceOffsets: [0, 1, 2], choicePositions: [0, 0], edgeRanks: [0, 1])
        let wrong = MatchingResult(positionOfSeeker: [-1, 0], heldEdgeOfSeeker: [1, 1], admittedOffsets: [0, 1],
                                   admittedCounts: [1], admittedKeys: [MatchingResult.orderKey(rank: 1, seeker: 1)], proposals: 2)
        #expect(BlockingPairs.count(problem, wrong) == 1)
        #expect(BlockingPairs.count(problem, DeferredAcceptance.match(problem)) == 0)
    }
}
