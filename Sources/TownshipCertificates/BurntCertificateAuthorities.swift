import Crypto
import Foundation

/// CA certificates whose private key is public: nothing may trust them again.
public enum BurntCertificateAuthorities {
    /// SHA-256 of each certificate's DER, lowercase hex.
    public static let sha256Fingerprints: Set<String> = [
        // The development CA committed to git in cb899ae (removed from the index in d9b26ed).
        "750b79c356f19c7b81648f6d548ffb655dc82953276707250d004a7e73ebd0bb",
    ]

    /// Lowercase hex SHA-256 of `der`, the form `sha256Fingerprints` holds.
    public static func fingerprint(ofDER der: some DataProtocol) -> String {
        SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
    }
}

public struct BurntCertificateAuthorityError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let fingerprint: String

    public init(path: String, fingerprint: String) {
        self.path = path
        self.fingerprint = fingerprint
    }

    public var description: String {
        "\(path) holds a burnt CA certificate (SHA-256 \(fingerprint)): its private key is public, so it is never trusted; make a new CA (`township certs --force`) and reissue every certificate"
    }
}
