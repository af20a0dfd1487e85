// The credit code rule lives in TownshipCreditCode (shared with enterprise-liaison); re-exported
// so that JobFairCore's users keep writing `CreditCode`.
@_exported import TownshipCreditCode

extension CreditCode {
    /// Nil if `code` is a well-formed credit code, otherwise why not (for `field`).
    public static func validate(_ code: String, field: String) -> ValidationError? {
        problem(in: code).map { ValidationError(field: field, message: $0) }
    }
}
