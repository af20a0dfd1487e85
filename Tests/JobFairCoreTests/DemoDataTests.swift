import JobFairCore
import Testing

@Suite struct DemoDataTests {
    @Test func theDemoFairIsAtTheSeedsScaleValidAndDeterministic() {
        let instance = DemoFairGenerator(seed: 2026).generate()
        #expect(instance.enterprises.count == 82)
        #expect(instance.positions.count >= 800)
        #expect(instance.seekers.count == 3000)
        #expect(Set(instance.enterprises.map(\.sector)) == Set(Sector.allCases))
        #expect(FairValidator.validate(instance).isEmpty)
        #expect(!instance.employerRankings.isEmpty)
        #expect(instance.seekers.contains { $0.choices.isEmpty })
        #expect(instance == DemoFairGenerator(seed: 2026).generate())
        #expect(instance != DemoFairGenerator(seed: 2027).generate())
    }

    @Test func popularityIsSkewed() {
        let instance = DemoFairGenerator(seed: 2026).generate()
        var applications: [Int: Int] = [:]
        for seeker in instance.seekers { for choice in seeker.choices { applications[choice, default: 0] += 1 } }
        let counts = applications.values.sorted(by: >)
        let total = counts.reduce(0, +)
        // The most wanted tenth of positions draws well over a tenth of the applications.
        #expect(counts.prefix(instance.positions.count / 10).reduce(0, +) * 100 / total > 30)
    }

    @Test func scaledInstancesAreDeterministicAndShaped() throws {
        let first = ScaledInstance.generate(seekers: 1000, positions: 50, choices: 10, seed: 3)
        let second = ScaledInstance.generate(seekers: 1000, positions: 50, choices: 10, seed: 3)
        #expect(first.choicePositions == second.choicePositions && first.edgeScores == second.edgeScores)
        #expect(first.choicePositions.count == 10_000)
        for seeker in 0..<1000 {
            let choices = first.choicePositions[Int(first.choiceOffsets[seeker])..<Int(first.choiceOffsets[seeker + 1])]
            #expect(Set(choices).count == 10)
        }
        _ = try first.problem()
    }
}
