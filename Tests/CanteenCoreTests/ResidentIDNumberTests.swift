import Testing
@testable import CanteenCore

@Suite struct ResidentIDNumberTests {
    let today = CivilDate(year: 2026, month: 12, day: 1)!

    /// 17 digits plus their correct check character.
    func withCheck(_ seventeen: String) -> String {
        seventeen + String(ResidentIDNumber.checkCharacter(forFirst17: Array(seventeen)))
    }

    @Test func acceptsTheStandardsExamples() throws {
        // GB 11643-1999's own examples: one ends in X (check value 10), one in a digit.
        let a = try ResidentIDNumber("11010519491231002X", today: today)
        #expect(a.regionCode == "110105")
        #expect(a.birthDate == CivilDate(year: 1949, month: 12, day: 31))
        #expect(a.masked == "1101**********002X")
        let b = try ResidentIDNumber("440524188001010014", today: today)
        #expect(b.birthDate == CivilDate(year: 1880, month: 1, day: 1))
        #expect(b.masked == "4405**********0014")
    }

    @Test func acceptsALowerCaseXAndNormalisesIt() throws {
        #expect(try ResidentIDNumber("11010519491231002x", today: today).value == "11010519491231002X")
    }

    @Test func refusesAWrongCheckDigitNamingTheFieldAndTheExpectedCharacter() {
        #expect(throws: ResidentIDError.wrongCheckDigit(expected: "X", found: "1")) {
            try ResidentIDNumber("110105194912310021", today: today)
        }
        #expect(ResidentIDError.wrongCheckDigit(expected: "X", found: "1").description
            == "id_number: check digit (character 18) is 1, the number requires X")
    }

    @Test func refusesWrongLengthsAndCharacters() {
        #expect(throws: ResidentIDError.wrongLength(17)) { try ResidentIDNumber("11010519491231002", today: today) }
        #expect(throws: ResidentIDError.wrongLength(19)) { try ResidentIDNumber("11010519491231002X1", today: today) }
        #expect(throws: ResidentIDError.wrongLength(0)) { try ResidentIDNumber("", today: today) }
        #expect(throws: ResidentIDError.invalidCharacter(position: 5)) { try ResidentIDNumber("1101X519491231002X", today: today) }
        #expect(throws: ResidentIDError.invalidCharacter(position: 18)) { try ResidentIDNumber("11010519491231002Y", today: today) }
        #expect(throws: ResidentIDError.invalidCharacter(position: 3)) { try ResidentIDNumber("11١10519491231002X", today: today) }
    }

    @Test func refusesBirthDatesThatAreNotCalendarDays() {
        // 2023 has no 29 February; month 13; day 00. The check digit is right each time.
        #expect(throws: ResidentIDError.invalidBirthDate("19230229")) { try ResidentIDNumber(withCheck("11010519230229123"), today: today) }
        #expect(throws: ResidentIDError.invalidBirthDate("19501301")) { try ResidentIDNumber(withCheck("11010519501301123"), today: today) }
        #expect(throws: ResidentIDError.invalidBirthDate("19500100")) { try ResidentIDNumber(withCheck("11010519500100123"), today: today) }
        // 1924-02-29 was a real day.
        #expect((try? ResidentIDNumber(withCheck("11010519240229123"), today: today)) != nil)
    }

    @Test func refusesABirthDateInTheFuture() {
        #expect(throws: ResidentIDError.birthDateInFuture(CivilDate(year: 2026, month: 12, day: 2)!)) {
            try ResidentIDNumber(withCheck("11010520261202123"), today: today)
        }
        #expect((try? ResidentIDNumber(withCheck("11010520261201123"), today: today)) != nil)
    }

    @Test func refusesARegionCodeOfNoProvince() {
        #expect(throws: ResidentIDError.unknownRegion("990105")) { try ResidentIDNumber(withCheck("99010519491231002"), today: today) }
        #expect(throws: ResidentIDError.unknownRegion("000000")) { try ResidentIDNumber(withCheck("00000019491231002"), today: today) }
    }

    @Test func storedFormRevealsNoWholeNumber() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let protector = try ResidentIDProtector(key: key)
        let id = try ResidentIDNumber("11010519491231002X", today: today)
        let stored = protector.protect(id)
        #expect(stored.masked == "1101**********002X")
        #expect(stored.birthDate == CivilDate(year: 1949, month: 12, day: 31))
        #expect(stored.lookupDigest.count == 64)
        #expect(!stored.lookupDigest.contains("19491231"))
        // Same number, same key: the same digest (uniqueness and look-up work on it).
        #expect(protector.protect(try ResidentIDNumber("11010519491231002x", today: today)) == stored)
        // Another key gives another digest: without the key the digest cannot be recomputed.
        let other = try ResidentIDProtector(key: [UInt8](repeating: 8, count: 32))
        #expect(other.lookupDigest(of: id) != stored.lookupDigest)
        // Another number, another digest.
        let b = try ResidentIDNumber("440524188001010014", today: today)
        #expect(protector.lookupDigest(of: b) != stored.lookupDigest)
    }

    @Test func refusesAShortLookupKey() {
        #expect(throws: ResidentIDKeyError.tooShort(bytes: 16, minimum: 32)) {
            try ResidentIDProtector(key: [UInt8](repeating: 1, count: 16))
        }
    }
}
