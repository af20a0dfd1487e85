/// The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters over a
/// 31-character alphabet (digits and capitals without I, O, Z, S, V); the 18th is a check
/// character over the first 17 with weights 3^i mod 31.
///
/// Shared by every domain that registers enterprises or organisations (job-fair,
/// enterprise-liaison), so the rule lives in one place.
public enum CreditCode {
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    public static let weights: [Int] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    public static let length = 18

    /// The value of a character in the alphabet, or nil if it is not in it.
    static func value(of character: Character) -> Int? {
        alphabet.firstIndex(of: character)
    }

    /// The check character for the first 17 characters, or nil if one is outside the alphabet.
    public static func checkCharacter(forFirst17 body: String) -> Character? {
        let characters = Array(body)
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = value(of: character) else { return nil }
            sum += value * weights[index]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Nil if `code` is a well-formed credit code, otherwise why not (one sentence for people).
    public static func problem(in code: String) -> String? {
        let characters = Array(code)
        guard characters.count == length else {
            return "a unified social credit code has \(length) characters, not \(characters.count)"
        }
        for (index, character) in characters.enumerated() where value(of: character) == nil {
            return "character \(index + 1) '\(character)' is not allowed (digits and capitals except I, O, S, V, Z)"
        }
        let expected = checkCharacter(forFirst17: String(characters[0..<17]))!
        guard characters[17] == expected else {
            return "wrong check character '\(characters[17])' (expected '\(expected)')"
        }
        return nil
    }
}
