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
    }

    public static let caBaseName = "ca"

    public static func baseName(for identity: TownshipIdentity) -> String {
        "\(identity.kind.rawValue)-\(identity.name)"
    }

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
        now: Date = Date()
    ) throws -> Report {
        let caFiles = CertificateFiles(directory: directory, baseName: caBaseName)
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
        return Report(ca: caFiles, caOutcome: caOutcome, certificates: entries)
    }
}
