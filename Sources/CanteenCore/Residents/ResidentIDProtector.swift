import Crypto
import Foundation

/// What the database keeps of an ID number: a keyed digest for uniqueness and look-up, the
/// masked form for display and the birth date. A dump of the database therefore reveals no
/// whole number, and the digest cannot be reversed by trying every plausible number (there
/// are few: region × birth date × sequence) without the key, which lives outside the
/// database (a 0600 file beside the configuration).
public struct ProtectedResidentID: Hashable, Sendable, Codable {
    /// Lower-case hex HMAC-SHA256 of the 18 characters under the look-up key.
    public let lookupDigest: String
    public let masked: String
    public let birthDate: CivilDate
}

public enum ResidentIDKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooShort(bytes: Int, minimum: Int)
    public var description: String {
        switch self {
        case .tooShort(let bytes, let minimum):
            return "id_lookup_key: \(bytes) bytes, at least \(minimum) required"
        }
    }
}

/// Turns checked ID numbers into what may be stored, under an HMAC key kept apart from the
/// database.
public struct ResidentIDProtector: Sendable {
    /// A key shorter than the digest (32 bytes) would weaken HMAC-SHA256.
    public static let minimumKeyBytes = 32
    private let key: SymmetricKey

    public init(key: some ContiguousBytes) throws(ResidentIDKeyError) {
        let count = key.withUnsafeBytes { $0.count }
        guard count >= Self.minimumKeyBytes else { throw .tooShort(bytes: count, minimum: Self.minimumKeyBytes) }
        self.key = SymmetricKey(data: key)
    }

    /// The digest alone, to look up a number typed at a counter.
    public func lookupDigest(of id: ResidentIDNumber) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(id.value.utf8), using: key)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    public func protect(_ id: ResidentIDNumber) -> ProtectedResidentID {
        ProtectedResidentID(lookupDigest: lookupDigest(of: id), masked: id.masked, birthDate: id.birthDate)
    }
}
