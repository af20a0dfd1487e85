import JobFairCore
import Testing

@Suite struct ValidationTests {
    @Test func aWellFormedFairHasNoErrors() {
        let instance = Fixtures.instance(positions: [Fixtures.position(10)], seekers: [Fixtures.seeker(1, choices: [10])])
        #expect(FairValidator.validate(instance).isEmpty)
    }

    @Test func headcountZeroIsRefusedNamingTheField() throws {
        let instance = Fixtures.instance(positions: [Fixtures.position(10), Fixtures.position(11, headcount: 0)], seekers: [])
        let errors = FairValidator.validate(instance)
        #expect(errors.map(\.field) == ["positions[1].headcount"])
        #expect(throws: ValidationErrors.self) { try FairRanker.rank(instance) }
    }

    @Test func aSeekerRankingAPositionTwiceIsRefused() {
        let instance = Fixtures.instance(positions: [Fixtures.position(10), Fixtures.position(11)], seekers: [Fixtures.seeker(1, choices: [10, 11, 10])])
        let errors = FairValidator.validate(instance)
        #expect(errors.map(\.field) == ["seekers[0].choices[2]"])
        #expect(errors.first?.message == "position 10 is ranked twice")
    }

    @Test func aSeekerRankingMoreThanTenIsRefused() {
        let positions = (10..<21).map { Fixtures.position($0) }
        let instance = Fixtures.instance(positions: positions, seekers: [Fixtures.seeker(1, choices: Array(10..<21))])
        let errors = FairValidator.validate(instance)
        #expect(errors.map(\.field) == ["seekers[0].choices"])
        #expect(errors.first?.message.contains("at most 10") == true)
    }

    @Test func aSeekerRankingAnUnknownPositionIsRefused() {
        let instance = Fixtures.instance(positions: [Fixtures.position(10)], seekers: [Fixtures.seeker(1, choices: [99])])
        #expect(FairValidator.validate(instance).map(\.field) == ["seekers[0].choices[0]"])
    }

    @Test func anEmployerRankingNamingANonApplicantIsRefused() {
        let instance = Fixtures.instance(
            positions: [Fixtures.position(10), Fixtures.position(11)],
            seekers: [Fixtures.seeker(1, choices: [10]), Fixtures.seeker(2, choices: [11])],
            rankings: [EmployerRanking(positionID: 10, seekerIDs: [1, 2])])
        let errors = FairValidator.validate(instance)
        #expect(errors.map(\.field) == ["employerRankings[0].seekerIDs[1]"])
        #expect(errors.first?.message == "seeker 2 did not apply to position 10")
    }

    @Test func aWrongCreditCodeIsRefusedNamingTheEnterprise() {
        var instance = Fixtures.instance(positions: [], seekers: [])
        instance.enterprises[0].creditCode = "91350100M000100Y44"
        #expect(FairValidator.validate(instance).map(\.field) == ["enterprises[0].creditCode"])
    }

    @Test func salaryRangeAndDatesAreChecked() {
        var position = Fixtures.position(10)
        position.salary = SalaryRange(minimumYuanPerMonth: 6000, maximumYuanPerMonth: 5000)
        var instance = Fixtures.instance(positions: [position], seekers: [])
        instance.fair.endDate = "2026-03-13"
        #expect(Set(FairValidator.validate(instance).map(\.field)) == ["positions[0].salary.maximumYuanPerMonth", "fair.endDate"])
    }

    @Test func phonesAreMaskedForReads() {
        #expect(PhoneMasking.mask("13812345678") == "138****5678")
        #expect(Fixtures.seeker(1, choices: []).maskedPhone == "138****5678")
        #expect(PhoneMasking.mask("0591-87654321") == "059******4321")
        #expect(PhoneMasking.mask("12345") == "***45")
        #expect(PhoneMasking.mask("") == "")
    }
}
