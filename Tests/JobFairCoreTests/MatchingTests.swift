import JobFairCore
import Testing

@Suite struct MatchingTests {
    /// Three seekers want A (1 place) first; A ranks 3 > 1 > 2 by score. 1 and 2 fall back to B
    /// (2 places) and both get it.
    @Test func deferredAcceptanceGivesTheSeekerOptimalStableMatching() throws {
        let instance = Fixtures.instance(
            positions: [Fixtures.position(10, skills: ["电焊", "PLC"]), Fixtures.position(11, headcount: 2)],
            seekers: [
                Fixtures.seeker(1, choices: [10, 11], skills: ["电焊"]),
                Fixtures.seeker(2, choices: [10, 11]),
                Fixtures.seeker(3, choices: [10], skills: ["电焊", "PLC"]),
            ])
        let round = try FairMatcher.run(instance)
        #expect(round.assignments == [1: 11, 2: 11, 3: 10])
        let report = BlockingPairChecker.check(PlainInstance(round.ranked), assignment: round.assignments)
        #expect(report.blockingPairs.isEmpty && report.infeasible.isEmpty)
    }

    /// The textbook case where proposal order matters for who is displaced: the result is the
    /// seeker-optimal one, not the position-optimal one.
    @Test func seekersGetTheirBestStableOutcomeNotThePositionsBest() throws {
        // Seeker 1 prefers A then B; seeker 2 prefers B then A. A ranks 2 first, B ranks 1 first.
        let instance = Fixtures.instance(
            positions: [Fixtures.position(10), Fixtures.position(11)],
            seekers: [Fixtures.seeker(1, choices: [10, 11]), Fixtures.seeker(2, choices: [11, 10])],
            rankings: [EmployerRanking(positionID: 10, seekerIDs: [2, 1]), EmployerRanking(positionID: 11, seekerIDs: [1, 2])])
        let round = try FairMatcher.run(instance)
        #expect(round.assignments == [1: 10, 2: 11])
    }

    @Test func theDemoFairMatchesWithoutBlockingPairs() throws {
        let instance = DemoFairGenerator(seed: 2026).generate()
        let round = try FairMatcher.run(instance)
        let report = BlockingPairChecker.check(PlainInstance(round.ranked), assignment: round.assignments)
        #expect(report.blockingPairs.isEmpty)
        #expect(report.infeasible.isEmpty)
        #expect(round.result.matchedCount > 500)
    }

    @Test(arguments: 0..<40)
    func randomInstancesMatchWithoutBlockingPairs(seed: Int) throws {
        let round = try FairMatcher.run(RandomInstances.make(seed: UInt64(seed)))
        let report = BlockingPairChecker.check(PlainInstance(round.ranked), assignment: round.assignments)
        #expect(report.blockingPairs.isEmpty, "blocking: \(report.blockingPairs)")
        #expect(report.infeasible.isEmpty, "\(report.infeasible)")
    }

    @Test func scaledInstancesMatchWithoutBlockingPairs() throws {
        let scaled = ScaledInstance.generate(seekers: 3000, positions: 120, choices: 10, seed: 7)
        let problem = try scaled.problem()
        let result = DeferredAcceptance.match(problem)
        // Plain form: seeker index = id, position index = id, ranking by (rank, seeker).
        var instance = PlainInstance(seekers: [:], positions: [:])
        var edges: [Int: [(UInt32, Int)]] = [:]
        for seeker in 0..<problem.seekerCount {
            let range = Int(problem.choiceOffsets[seeker])..<Int(problem.choiceOffsets[seeker + 1])
            instance.seekers[String(seeker)] = range.map { Int(problem.choicePositions[$0]) }
            for edge in range where problem.edgeRanks[edge] != MatchingProblem.notRanked {
                edges[Int(problem.choicePositions[edge]), default: []].append((problem.edgeRanks[edge], seeker))
            }
        }
        for position in 0..<problem.positionCount {
            let ranking = (edges[position] ?? []).sorted { $0 < $1 }.map(\.1)
            instance.positions[String(position)] = .init(capacity: Int(problem.capacities[position]), ranking: ranking)
        }
        var assignment: [Int: Int] = [:]
        for (seeker, position) in result.positionOfSeeker.enumerated() where position >= 0 { assignment[seeker] = Int(position) }
        let report = BlockingPairChecker.check(instance, assignment: assignment)
        #expect(report.blockingPairs.isEmpty && report.infeasible.isEmpty)
        #expect(assignment.count > 1000)
    }

    @Test func aProblemWithBadShapeIsRefused() {
        #expect(throws: ValidationError.self) {
            try MatchingProblem(capacities: [1], choiceOffsets: [0, 1], choicePositions: [3], edgeRanks: [0])
        }
        #expect(throws: ValidationError.self) {
            try MatchingProblem(capacities: [1], choiceOffsets: [0, 2], choicePositions: [0], edgeRanks: [0])
        }
    }
}
