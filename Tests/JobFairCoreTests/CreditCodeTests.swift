import JobFairCore
import Testing

@Suite struct CreditCodeTests {
    // Real-format codes: the standard's own example and two well-known enterprises'.
    @Test(arguments: ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"])
    func acceptsRealCodes(code: String) {
        #expect(CreditCode.validate(code, field: "creditCode") == nil)
    }

    @Test(arguments: ["91350100M000100Y44", "91110000802100433C", "91440300708461136U", "91350100M000100Y4X"])
    func refusesAWrongCheckCharacter(code: String) throws {
        let error = try #require(CreditCode.validate(code, field: "enterprises[0].creditCode"))
        #expect(error.field == "enterprises[0].creditCode")
        #expect(error.message.contains("wrong check character"))
    }

    @Test func refusesWrongLengthAndCharactersOutsideTheAlphabet() throws {
        let short = try #require(CreditCode.validate("91350100M000100Y4", field: "f"))
        #expect(short.message.contains("18 characters"))
        // I, O, S, V, Z are not in the alphabet; neither are lower-case letters.
        for code in ["91350100I000100Y43", "91350100O000100Y43", "91350100S000100Y43", "91350100m000100Y43"] {
            let error = try #require(CreditCode.validate(code, field: "f"))
            #expect(error.message.contains("character 9"))
        }
    }

    @Test func checkCharacterZeroWhenTheSumIsAMultipleOf31() {
        // Weighted sum of "00000000000000000" is 0, so the check value is (31 − 0) mod 31 = 0.
        #expect(CreditCode.checkCharacter(forFirst17: "00000000000000000") == "0")
    }
}
