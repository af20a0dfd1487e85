/// Where a party-building liaison (党建指导员) comes from.
public enum LiaisonOrigin: String, Sendable, Hashable, CaseIterable {
    /// Staff of one of the zone's own departments (区直部门).
    case zoneDepartment = "zone_department"
    /// Sent by the province (省派).
    case provincial
    /// Sent by the city (市派).
    case municipal
}

/// A liaison: the user id they sign in with is their id, so a forwarded principal names them.
public struct Liaison: Sendable, Hashable {
    public var id: String
    public var name: String
    public var origin: LiaisonOrigin
    /// The zone department a zone-department liaison works in; nil for provincial and municipal ones.
    public var departmentID: String?

    public init(id: String, name: String, origin: LiaisonOrigin, departmentID: String? = nil) {
        self.id = id
        self.name = name
        self.origin = origin
        self.departmentID = departmentID
    }

    /// Checks a new liaison's fields; throws naming the first one at fault.
    public func validated() throws(LiaisonError) -> Liaison {
        try Validate.identifier(id, field: "liaison.id")
        try Validate.text(name, field: "liaison.name", max: Validate.maxNameCharacters)
        switch origin {
        case .zoneDepartment:
            guard let departmentID else {
                throw .invalid(field: "liaison.department_id", "a zone-department liaison names their department")
            }
            try Validate.identifier(departmentID, field: "liaison.department_id")
        case .provincial, .municipal:
            guard departmentID == nil else {
                throw .invalid(field: "liaison.department_id", "only zone-department liaisons have a zone department")
            }
        }
        return self
    }
}

/// The checks shared by every entity: ids and free text, each bounded.
public enum Validate {
    public static let maxIdentifierCharacters = 64
    public static let maxNameCharacters = 128
    /// Findings, descriptions, solutions, progress notes.
    public static let maxTextCharacters = 4000

    public static func identifier(_ value: String, field: String) throws(LiaisonError) {
        guard !value.isEmpty, value.count <= maxIdentifierCharacters,
              value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) })
        else {
            throw .invalid(field: field, "an id is 1 to \(maxIdentifierCharacters) ASCII letters, digits, '-', '_' or '.'")
        }
    }

    public static func text(_ value: String, field: String, max: Int = maxTextCharacters) throws(LiaisonError) {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty else { throw .invalid(field: field, "must not be empty") }
        guard value.count <= max else { throw .invalid(field: field, "at most \(max) characters, not \(value.count)") }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
            throw .invalid(field: field, "control characters other than newline and tab are not allowed")
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
