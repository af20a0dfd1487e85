import JobFairCore

/// The service's ids on the wire: opaque strings under the rules of ids.proto; this service
/// hands out decimal numbers. A malformed id is INVALID_ARGUMENT naming the field; a
/// well-formed one that names nothing (whatever its shape) is the entity's NOT_FOUND.
enum WireIDs {
    static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-".utf8)

    /// nil when `value` is empty (not set).
    static func optional(_ value: String, field: String, entity: String) throws -> Int? {
        if value.isEmpty { return nil }
        guard value.utf8.count <= 64, value.utf8.allSatisfy(allowed.contains) else {
            throw JobFairError.invalid(field: field, "an id is 1 to 64 bytes of letters, digits, '.', '_', ':' or '-'")
        }
        guard let number = Int(value), (1...Int(Int32.max)).contains(number) else {
            throw JobFairError.notFound(reason: "\(entity.uppercased())_NOT_FOUND", "no \(entity) \(value)")
        }
        return number
    }

    static func required(_ value: String, field: String, entity: String) throws -> Int {
        guard let id = try optional(value, field: field, entity: entity) else {
            throw JobFairError.invalid(field: field, "is required")
        }
        return id
    }

    static func string(_ id: Int) -> String { String(id) }
}
