import Foundation
import X509

/// A folder holding the development CA (`ca.crt`, `ca.key`) and one certificate per
/// identity (`service-intake.crt`/`.key`, ...). `ensure` is safe to run repeatedly: it
/// creates what is missing and keeps what is there, unless told to replace everything.
public enum DevelopmentCertificateSet {
    public enum Outcome: String, Sendable, Hashable {
        case created
        case kept
        case replaced
    }

    public struct Entry: Sendable, Hashable {
        public let identity: TownshipIdentity
        public let files: CertificateFiles
        public let outcome: Outcome
    }

    public struct Report: Sendable, Hashable {
        public let ca: CertificateFiles
        public let caOutcome: Outcome
        public let certificates: [Entry]
        /// The folder's CA was burnt (`BurntCertificateAuthorities`): it was replaced and
        /// every certificate reissued.
        public let replacedBurntCA: Bool
    }

    public static let caBaseName = "ca"

    public static func baseName(for identity: TownshipIdentity) -> String {
        "\(identity.kind.rawValue)-\(identity.name)"
    }

    /// The folder is made 0700 and keys are written 0600.
    ///
    /// A CA whose fingerprint is in `burntCAFingerprints` counts as absent: a new CA is made,
    /// every certificate is reissued, and `notice` says so.
    ///
    /// - Parameters:
    ///   - replaceExisting: make a new CA and reissue every certificate, replacing the files.
    /// - Throws: `CertificateToolError.notIssuedByCA` if a kept certificate was not signed by
    ///   the folder's CA (e.g. the CA files were replaced by hand): pass `replaceExisting`.
    public static func ensure(
        in directory: URL,
        identities: [TownshipIdentity],
        replaceExisting: Bool = false,
        caCommonName: String = "Township Development CA",
        certificateValidity: TimeInterval = 365 * 24 * 3600,
        now: Date = Date(),
        burntCAFingerprints: Set<String> = BurntCertificateAuthorities.sha256Fingerprints,
        notice: (String) -> Void = DevelopmentCertificateSet.printToStandardError
    ) throws -> Report {
        let caFiles = CertificateFiles(directory: directory, baseName: caBaseName)
        try restrictFolder(directory)
        var replaceExisting = replaceExisting
        var replacedBurntCA = false
        if caFiles.exist && !replaceExisting {
            let existing = try Certificate(pemEncoded: try PEMFiles.read(caFiles.certificateURL))
            let fingerprint = BurntCertificateAuthorities.fingerprint(ofDER: try existing.serializeAsPEM().derBytes)
            if burntCAFingerprints.contains(fingerprint) {
                notice(
                    "\(caFiles.certificatePath) is a burnt CA (SHA-256 \(fingerprint), its private key is public): "
                        + "making a new CA in \(directory.path) and reissuing every certificate"
                )
                replaceExisting = true
                replacedBurntCA = true
            }
        }
        let ca: DevelopmentCA
        let caOutcome: Outcome
        if caFiles.exist && !replaceExisting {
            ca = try DevelopmentCA.load(from: directory, baseName: caBaseName)
            caOutcome = .kept
        } else {
            caOutcome = caFiles.exist ? .replaced : .created
            ca = try DevelopmentCA.create(commonName: caCommonName, now: now)
            try ca.write(to: directory, baseName: caBaseName, overwrite: true)
        }

        var entries: [Entry] = []
        for identity in identities {
            let files = CertificateFiles(directory: directory, baseName: baseName(for: identity))
            if files.exist && !replaceExisting {
                let existing = try Certificate(pemEncoded: try PEMFiles.read(files.certificateURL))
                guard existing.issuer == ca.certificate.subject,
                    ca.certificate.publicKey.isValidSignature(existing.signature, for: existing)
                else {
                    throw CertificateToolError.notIssuedByCA(path: files.certificatePath)
                }
                entries.append(Entry(identity: identity, files: files, outcome: .kept))
                continue
            }
            let outcome: Outcome = files.exist ? .replaced : .created
            let issued = try ca.issue(
                identity: identity,
                validFrom: now.addingTimeInterval(-300),
                validUntil: now.addingTimeInterval(certificateValidity)
            )
            try issued.write(to: directory, baseName: baseName(for: identity), overwrite: true)
            entries.append(Entry(identity: identity, files: files, outcome: outcome))
        }
        return Report(ca: caFiles, caOutcome: caOutcome, certificates: entries, replacedBurntCA: replacedBurntCA)
    }

    public static func printToStandardError(_ message: String) {
        FileHandle.standardError.write(Data("township certificates: \(message)\n".utf8))
    }

    /// The folder holds private keys: only its owner may enter it.
    private static func restrictFolder(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        } catch {
            throw CertificateToolError.cannotWrite(path: directory.path, reason: String(describing: error))
        }
    }
}
