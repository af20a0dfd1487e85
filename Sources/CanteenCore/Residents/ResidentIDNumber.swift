/// A resident identity number (GB 11643-1999): 6 characters of region code, 8 of birth date
/// (YYYYMMDD), 3 of sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check
/// character, where X stands for 10. A value of this type has passed every check; it is
/// meant to live only as long as a request: store a `ProtectedResidentID` instead.
public struct ResidentIDNumber: Hashable, Sendable {
    /// The 18 characters, with a lower-case x normalised to X.
    public let value: String
    public let regionCode: String
    public let birthDate: CivilDate

    /// Weights of characters 1-17: 2^(17-i) mod 11.
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// Check character for each value of (sum of weighted digits) mod 11.
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
    /// First two digits of the region code: the provinces, autonomous regions and
    /// municipalities of GB/T 2260, plus Taiwan, Hong Kong and Macao.
    static let provinceCodes: Set<String> = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82",
    ]

    /// Checks `text` fully; `today` bounds the birth date (a birth date after it is refused).
    public init(_ text: String, today: CivilDate) throws(ResidentIDError) {
        let chars = Array(text.uppercased())
        guard chars.count == 18 else { throw .wrongLength(chars.count) }
        for (i, c) in chars.enumerated() where !(c.isASCII && c.isNumber) && !(i == 17 && c == "X") {
            throw .invalidCharacter(position: i + 1)
        }
        let region = String(chars[0..<6])
        guard Self.provinceCodes.contains(String(region.prefix(2))) else { throw .unknownRegion(region) }
        let birthText = String(chars[6..<14])
        guard let birth = CivilDate(birthText), birth.year >= 1880 else { throw .invalidBirthDate(birthText) }
        guard birth <= today else { throw .birthDateInFuture(birth) }
        let expected = Self.checkCharacter(forFirst17: chars[0..<17])
        guard chars[17] == expected else { throw .wrongCheckDigit(expected: expected, found: chars[17]) }
        self.value = String(chars)
        self.regionCode = region
        self.birthDate = birth
    }

    /// The check character for 17 digits (which the caller has verified are digits).
    static func checkCharacter(forFirst17 digits: some Collection<Character>) -> Character {
        var sum = 0
        for (d, w) in zip(digits, weights) { sum += d.wholeNumberValue! * w }
        return checkCharacters[sum % 11]
    }

    /// The form shown on screens and kept in the database: the first 4 and last 4 characters,
    /// 10 asterisks between (1101**********1234). Neither the birth date nor the sequence shows.
    public var masked: String {
        String(value.prefix(4)) + String(repeating: "*", count: 10) + String(value.suffix(4))
    }
}
