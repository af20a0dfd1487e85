/// Every refusal of the intake core. Descriptions are meant to reach the caller as they are.
public enum IntakeError: Error, Equatable, CustomStringConvertible {
    case invalidInput(String)
    case notFound(String)
    case permissionDenied(String)
    case illegalTransition(IllegalTransition)
    case attachment(AttachmentError)
    case invalidCursor(String)
    case referenceData(ReferenceDataError)
    /// The caller acted on the ticket as it was at `expected` (its ledger length), but it has moved on.
    case versionMismatch(ticket: TicketID, current: Int64, expected: Int64)
    /// Transient: nothing was stored, and the same call may succeed if retried after a backoff
    /// (the write's transaction was rolled back under it, e.g. disk full or I/O error).
    case unavailable(String)
    /// A limit of the service was hit (a queue is full); retry after a backoff.
    case overloaded(String)

    public var description: String {
        switch self {
        case .invalidInput(let why): "invalid input: \(why)"
        case .notFound(let what): "not found: \(what)"
        case .permissionDenied(let why): "permission denied: \(why)"
        case .illegalTransition(let t): t.description
        case .attachment(let e): e.description
        case .invalidCursor(let why): "invalid cursor: \(why)"
        case .referenceData(let e): e.description
        case .versionMismatch(let ticket, let current, let expected):
            "ticket \(ticket) is at version \(current), not \(expected): reload it and try again"
        case .unavailable(let why): "unavailable: \(why)"
        case .overloaded(let why): "overloaded: \(why)"
        }
    }
}
