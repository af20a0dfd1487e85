/// Why an elder is not (or no longer) eligible on a day, naming the field at fault.
public enum EligibilityError: Error, Equatable, Sendable, CustomStringConvertible {
    case underAge(age: Int, minimum: Int)
    case ended(reason: EligibilityEnd.Reason, from: CivilDate)
    case negativeAmount(field: String, fen: Int)
    case negativePrice(fen: Int)

    public var description: String {
        switch self {
        case .underAge(let age, let minimum):
            return "birth_date: the elder is \(age) on that day; meal assistance starts at \(minimum)"
        case .ended(let reason, let from):
            return "eligibility: ended from \(from) (\(reason.rawValue))"
        case .negativeAmount(let field, let fen):
            return "\(field): \(fen) fen is negative"
        case .negativePrice(let fen):
            return "menu_price: \(fen) fen is negative"
        }
    }
}
