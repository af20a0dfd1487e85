import Foundation

/// The position after the last ticket of a page: (created_at ms, id), newest first.
/// Opaque to callers: base64url of "c1.<created>.<id>"; anything else is refused.
public struct PageCursor: Hashable {
    public var createdAtMillis: Int64
    public var id: TicketID

    public var encoded: String {
        Data("c1.\(createdAtMillis).\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init(createdAtMillis: Int64, id: TicketID) { self.createdAtMillis = createdAtMillis; self.id = id }

    public init(decoding text: String) throws(IntakeError) {
        guard text.count <= 128 else { throw .invalidCursor("too long") }
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let plain = String(data: data, encoding: .utf8) else {
            throw .invalidCursor("not a cursor issued by this service")
        }
        let parts = plain.split(separator: ".")
        guard parts.count == 3, parts[0] == "c1", let created = Int64(parts[1]), let id = Int64(parts[2]) else {
            throw .invalidCursor("not a cursor issued by this service")
        }
        self.init(createdAtMillis: created, id: id)
    }
}
