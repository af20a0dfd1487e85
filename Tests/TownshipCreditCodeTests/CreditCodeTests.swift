import Testing
import TownshipCreditCode

@Suite struct SharedCreditCodeTests {
    // Real-format codes: the standard's own example and two well-known enterprises'.
    @Test(arguments: ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"])
    func acceptsRealCodes(code: String) {
        #expect(CreditCode.problem(in: code) == nil)
    }

    @Test(arguments: ["91350100M000100Y44", "91110000802100433C", "91350100M000100Y4X"])
    func refusesAWrongCheckCharacter(code: String) throws {
        let problem = try #require(CreditCode.problem(in: code))
        #expect(problem.contains("wrong check character"))
    }

    @Test func refusesWrongLengthAndCharactersOutsideTheAlphabet() throws {
        #expect(try #require(CreditCode.problem(in: "91350100M000100Y4")).contains("18 characters"))
        for code in ["91350100I000100Y43", "91350100O000100Y43", "91350100S000100Y43", "91350100m000100Y43"] {
            #expect(try #require(CreditCode.problem(in: code)).contains("character 9"))
        }
    }

    @Test func checkCharacterZeroWhenTheSumIsAMultipleOf31() {
        #expect(CreditCode.checkCharacter(forFirst17: "00000000000000000") == "0")
    }
}
