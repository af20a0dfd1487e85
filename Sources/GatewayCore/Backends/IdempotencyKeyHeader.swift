import HTTPTypes
import Hummingbird

/// `Idempotency-Key: <key>` on a workflow action: the key goes to the backend as the call's
/// idempotency key (proto-spec §6), so a client that lost the answer can send the action
/// again (through any gateway, to any replica) and gets the first reply instead of a second
/// event; it also lets the gateway retry the call on another replica.
enum IdempotencyKeyHeader {
    static let name = HTTPField.Name("Idempotency-Key")!
    /// As the wire allows: printable ASCII without spaces, 1 to 128 bytes (spec §3).
    static let maxLength = 128

    /// The request's key, nil without the header; a malformed one is a 400.
    static func key(of request: Request) throws -> String? {
        guard let value = request.headers[name] else { return nil }
        guard (1...maxLength).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw GatewayError.badRequest("Idempotency-Key must be 1 to \(maxLength) printable ASCII characters without spaces")
        }
        return value
    }
}
