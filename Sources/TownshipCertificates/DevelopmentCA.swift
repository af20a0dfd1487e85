import Crypto
import Foundation
import X509

/// The suite's own certificate authority for development and tests: an ECDSA P-256,
/// self-signed CA that issues leaf certificates carrying a `TownshipIdentity`.
public struct DevelopmentCA: Sendable {
    public static let defaultValidity: TimeInterval = 10 * 365 * 24 * 3600

    public let certificate: Certificate
    public let certificatePEM: String
    private let privateKey: P256.Signing.PrivateKey

    /// PKCS#8 PEM ("BEGIN PRIVATE KEY"), which OpenSSL reads directly.
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    /// Creates a new CA valid from five minutes ago (clock skew) for `validity` seconds.
    public static func create(
        commonName: String = "Township Development CA",
        validity: TimeInterval = defaultValidity,
        now: Date = Date()
    ) throws -> DevelopmentCA {
        let key = P256.Signing.PrivateKey()
        let signingKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            OrganizationName("Township")
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: signingKey.publicKey)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: signingKey.publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(validity),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: signingKey
        )
        return try DevelopmentCA(certificate: certificate, privateKey: key)
    }

    /// Loads a CA written earlier (e.g. by `township certs`) so it can issue more certificates.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw CertificateToolError.invalidPrivateKey(String(describing: error))
        }
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw CertificateToolError.keyDoesNotMatchCertificate
        }
        try self.init(certificate: certificate, privateKey: key)
    }

    private init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) throws {
        self.certificate = certificate
        self.certificatePEM = try certificate.serializeAsPEM().pemString
        self.privateKey = privateKey
    }

    /// Issues a leaf certificate for `identity`, usable both as TLS server and client
    /// certificate. SANs: the identity's SPIFFE URI, DNS `localhost`, IP 127.0.0.1.
    /// Pass dates in the past to make an expired certificate for tests.
    public func issue(
        identity: TownshipIdentity,
        validFrom: Date = Date().addingTimeInterval(-300),
        validUntil: Date = Date().addingTimeInterval(365 * 24 * 3600)
    ) throws -> IssuedCertificate {
        try issue(identity: identity, uriNames: [identity.uri], validFrom: validFrom, validUntil: validUntil)
    }

    /// Like `issue(identity:validFrom:validUntil:)`, with the URI SANs given: anything but the
    /// identity's single URI makes a certificate peers refuse (spec §1), which tests need.
    public func issue(
        identity: TownshipIdentity,
        uriNames: [String],
        validFrom: Date = Date().addingTimeInterval(-300),
        validUntil: Date = Date().addingTimeInterval(365 * 24 * 3600)
    ) throws -> IssuedCertificate {
        guard validFrom < validUntil else {
            throw CertificateToolError.invalidValidity(from: validFrom, until: validUntil)
        }
        let leafKey = P256.Signing.PrivateKey()
        let leafPublicKey = Certificate.PublicKey(leafKey.publicKey)
        let subject = try DistinguishedName {
            OrganizationName("Township")
            OrganizationalUnitName(identity.kind.rawValue)
            CommonName(identity.name)
        }
        let issuerKeyIdentifier = SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectKeyIdentifier(hash: leafPublicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuerKeyIdentifier)
            SubjectAlternativeNames(
                uriNames.map { .uniformResourceIdentifier($0) } + [
                    .dnsName("localhost"),
                    .ipAddress(.init(contentBytes: [127, 0, 0, 1])),
                ])
        }
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: leafPublicKey,
            notValidBefore: validFrom,
            notValidAfter: validUntil,
            issuer: certificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(privateKey)
        )
        return IssuedCertificate(
            identity: identity,
            certificate: leaf,
            certificatePEM: try leaf.serializeAsPEM().pemString,
            privateKeyPEM: leafKey.pemRepresentation
        )
    }

    /// Writes `<baseName>.crt` and `<baseName>.key` into `directory` (default base name `ca`).
    @discardableResult
    public func write(
        to directory: URL,
        baseName: String = "ca",
        overwrite: Bool = false
    ) throws -> CertificateFiles {
        try PEMFiles.write(
            certificatePEM: certificatePEM,
            privateKeyPEM: privateKeyPEM,
            to: directory,
            baseName: baseName,
            overwrite: overwrite
        )
    }

    /// Lowercase hex SHA-256 of the certificate's DER (what `BurntCertificateAuthorities` lists).
    public var fingerprint: String {
        get throws {
            BurntCertificateAuthorities.fingerprint(ofDER: try certificate.serializeAsPEM().derBytes)
        }
    }

    /// Loads a CA from `<baseName>.crt` / `<baseName>.key` in `directory`; refuses a key
    /// file group or others can read or write.
    public static func load(from directory: URL, baseName: String = "ca") throws -> DevelopmentCA {
        let files = CertificateFiles(directory: directory, baseName: baseName)
        return try DevelopmentCA(
            certificatePEM: try PEMFiles.read(files.certificateURL),
            privateKeyPEM: try PEMFiles.readPrivateKey(files.privateKeyURL)
        )
    }
}
