/// A peer's identity in the suite: the SPIFFE URI carried as the certificate's URI SAN,
/// `spiffe://township.local/service/<name>` or `spiffe://township.local/admin/<name>`.
public struct TownshipIdentity: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case service
        case admin
    }

    public static let trustDomain = "township.local"
    public static let maximumNameLength = 63

    public let kind: Kind
    public let name: String

    /// - Throws: `TownshipIdentityError.invalidName` unless `name` is 1–63 characters of
    ///   lowercase ASCII letters, digits and '-', neither starting nor ending with '-'.
    public init(kind: Kind, name: String) throws(TownshipIdentityError) {
        try Self.validate(name: name)
        self.kind = kind
        self.name = name
    }

    public static func service(_ name: String) throws(TownshipIdentityError) -> TownshipIdentity {
        try TownshipIdentity(kind: .service, name: name)
    }

    public static func admin(_ name: String) throws(TownshipIdentityError) -> TownshipIdentity {
        try TownshipIdentity(kind: .admin, name: name)
    }

    /// Parses `spiffe://township.local/<kind>/<name>` exactly: no port, query, fragment,
    /// trailing slash or extra path segments, since identities are compared as strings.
    public init(uri: String) throws(TownshipIdentityError) {
        let prefix = "spiffe://\(Self.trustDomain)/"
        guard uri.hasPrefix(prefix) else {
            throw .notATownshipURI(uri)
        }
        let path = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard path.count == 2 else {
            throw .notATownshipURI(uri)
        }
        guard let kind = Kind(rawValue: String(path[0])) else {
            throw .unknownKind(String(path[0]))
        }
        try self.init(kind: kind, name: String(path[1]))
    }

    /// The SPIFFE URI, e.g. `spiffe://township.local/service/intake`.
    public var uri: String {
        "spiffe://\(Self.trustDomain)/\(kind.rawValue)/\(name)"
    }

    public var description: String { uri }

    private static func validate(name: String) throws(TownshipIdentityError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumNameLength else {
            throw .invalidName(name)
        }
        let allowed = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
        guard allowed, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            throw .invalidName(name)
        }
    }
}

public enum TownshipIdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    case notATownshipURI(String)
    case unknownKind(String)
    case invalidName(String)

    public var description: String {
        switch self {
        case .notATownshipURI(let uri):
            "not a Township identity (expected spiffe://\(TownshipIdentity.trustDomain)/<service|admin>/<name>): \(uri)"
        case .unknownKind(let kind):
            "unknown identity kind '\(kind)' (expected 'service' or 'admin')"
        case .invalidName(let name):
            "invalid identity name '\(name)': 1–\(TownshipIdentity.maximumNameLength) characters of a-z, 0-9 and '-', not starting or ending with '-'"
        }
    }
}
