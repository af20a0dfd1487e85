/// A refused input, naming the field at fault as a path (`positions[3].headcount`,
/// `seekers[id=17].choices[4]`) so that an operator or a form can point at it.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Every problem found in one input, so a form can show them all at once.
public struct ValidationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [ValidationError]

    public init(_ errors: [ValidationError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}
