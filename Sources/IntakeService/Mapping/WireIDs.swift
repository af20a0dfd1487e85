import IntakeCore
import TownshipProtos
import TownshipServiceKit

/// The rules of `township/common/v1/ids.proto` for every id value on the wire: 1 to 64 bytes
/// of ASCII letters, digits, '.', '_', ':' or '-', opaque to clients. A value breaking them is
/// INVALID_ARGUMENT; a well-formed id that names nothing is NOT_FOUND, whatever its shape
/// (intake's ticket ids happen to be decimal, but a client may not rely on that).
enum WireIDs {
    static let maxLength = 64

    static func isWellFormed(_ value: String) -> Bool {
        let bytes = value.utf8
        guard (1...maxLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x3A || b == 0x2D
        }
    }

    /// Checks `value` against the rules; empty is "is required".
    static func validate(_ value: String, field: String) throws {
        guard !value.isEmpty else { throw ServiceError.invalidArgument(field: field, "is required") }
        guard isWellFormed(value) else {
            throw ServiceError.invalidArgument(field: field, "must be 1–\(maxLength) ASCII letters, digits, '.', '_', ':' or '-'")
        }
    }

    /// The ticket a wire id names; NOT_FOUND for a well-formed id that is not one of ours.
    static func ticketID(_ wire: Township_Common_V1_TicketId, field: String) throws -> TicketID {
        try validate(wire.value, field: field)
        guard let id = TicketID(wire.value), id > 0, String(id) == wire.value else {
            throw ServiceError.notFound(reason: "TICKET_NOT_FOUND", "not found: ticket \(wire.value)")
        }
        return id
    }
}
