/// Why a resident ID number was refused. Every case names the field (`id_number`) and what is
/// wrong with it, so a refusal can be shown to a clerk as it is.
public enum ResidentIDError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongLength(Int)
    /// 1-based position of a character that is not a digit (or X in the last place).
    case invalidCharacter(position: Int)
    case unknownRegion(String)
    case invalidBirthDate(String)
    case birthDateInFuture(CivilDate)
    case wrongCheckDigit(expected: Character, found: Character)

    public static let field = "id_number"

    public var description: String {
        switch self {
        case .wrongLength(let n):
            return "\(Self.field): must be 18 characters, got \(n)"
        case .invalidCharacter(let position):
            return "\(Self.field): character \(position) must be a digit (only the 18th may be X)"
        case .unknownRegion(let code):
            return "\(Self.field): region code \(code) (characters 1-6) names no province"
        case .invalidBirthDate(let text):
            return "\(Self.field): birth date \(text) (characters 7-14) is not a calendar date"
        case .birthDateInFuture(let date):
            return "\(Self.field): birth date \(date) (characters 7-14) is in the future"
        case .wrongCheckDigit(let expected, let found):
            return "\(Self.field): check digit (character 18) is \(found), the number requires \(expected)"
        }
    }
}
