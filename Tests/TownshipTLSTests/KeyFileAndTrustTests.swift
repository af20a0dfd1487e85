import Foundation
import Testing
import TownshipCertificates
import TownshipTLS
import X509

private func permissions(_ path: String) throws -> Int? {
    try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
}

private func setPermissions(_ path: String, _ mode: Int) throws {
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
}

/// Private keys are written 0600 in 0700 folders, and a key others can read is refused.
@Suite struct PrivateKeyFileTests {
    @Test func keysAreWritten0600AndTheCertificateFolder0700() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("township-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certs = directory.appendingPathComponent("state/certs")
        let report = try DevelopmentCertificateSet.ensure(in: certs, identities: [try .service("intake")], notice: { _ in })
        #expect(try permissions(certs.path) == 0o700)
        #expect(try permissions(report.ca.privateKeyPath) == 0o600)
        #expect(try permissions(report.certificates[0].files.privateKeyPath) == 0o600)
        #expect(try permissions(report.certificates[0].files.certificatePath) == 0o644)

        // A folder made by someone else first (township up / certs create it) is restricted too.
        let premade = directory.appendingPathComponent("premade")
        try FileManager.default.createDirectory(at: premade, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        _ = try DevelopmentCertificateSet.ensure(in: premade, identities: [], notice: { _ in })
        #expect(try permissions(premade.path) == 0o700)
        // A new folder for single files.
        let single = directory.appendingPathComponent("single")
        let files = try DevelopmentCA.create().issue(identity: .service("job-fair")).write(to: single)
        #expect(try permissions(single.path) == 0o700)
        #expect(try permissions(files.privateKeyPath) == 0o600)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o620])
    func aServiceRefusesAKeyOthersCanReadOrWrite(mode: Int) throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try setPermissions(pki.server.privateKeyPath, mode)
        let octal = "0" + String(mode, radix: 8)
        #expect {
            try TLSContext(configuration: pki.serverConfiguration())
        } throws: { error in
            guard case .configurationFailed(_, let reason) = error as? TLSError else { return false }
            return reason.contains("permissions \(octal) for '\(pki.server.privateKeyPath)' are too open")
                && reason.contains("chmod 600 '\(pki.server.privateKeyPath)'")
        }
        try setPermissions(pki.server.privateKeyPath, 0o600)
        _ = try TLSContext(configuration: pki.serverConfiguration())
        try setPermissions(pki.server.privateKeyPath, 0o400)
        _ = try TLSContext(configuration: pki.serverConfiguration())
    }

    @Test func loadingTheCARefusesAKeyOthersCanRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("township-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try DevelopmentCA.create().write(to: directory)
        try setPermissions(files.privateKeyPath, 0o644)
        #expect {
            try DevelopmentCA.load(from: directory)
        } throws: { error in
            String(describing: error).contains("permissions 0644 for '\(files.privateKeyPath)' are too open")
        }
    }
}

/// The development CA committed to git is burnt: never trusted, and replaced where found.
@Suite struct BurntCATests {
    @Test func theCommittedDevelopmentCAIsListed() {
        #expect(
            BurntCertificateAuthorities.sha256Fingerprints.contains(
                "750b79c356f19c7b81648f6d548ffb655dc82953276707250d004a7e73ebd0bb"))
        #expect(TLSConfiguration.server(certificateChainPath: "c", privateKeyPath: "k", trustedCAPath: "ca")
            .distrustedCAFingerprints == BurntCertificateAuthorities.sha256Fingerprints)
    }

    @Test func aBurntCAIsRefusedAsTrustRoot() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let fingerprint = try pki.ca.fingerprint
        for role in [TLSRole.server, .client] {
            var configuration = role == .server ? pki.serverConfiguration() : pki.clientConfiguration(pki.client)
            configuration.distrustedCAFingerprints = [fingerprint]
            #expect {
                try TLSContext(configuration: configuration)
            } throws: { error in
                guard case .configurationFailed(let check, let reason) = error as? TLSError else { return false }
                return check.contains(pki.caPath) && reason.contains("burnt CA") && reason.contains(fingerprint)
            }
        }
        // Another CA's fingerprint listed: this one is still trusted.
        var configuration = pki.serverConfiguration()
        configuration.distrustedCAFingerprints = [String(repeating: "0", count: 64)]
        _ = try TLSContext(configuration: configuration)
    }

    @Test func ensureReplacesABurntCAAndReissuesEveryCertificate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("township-burnt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let identities = [try TownshipIdentity.service("intake"), try TownshipIdentity.admin("ops")]
        let first = try DevelopmentCertificateSet.ensure(in: directory, identities: identities, notice: { _ in })
        let burnt = try DevelopmentCA.load(from: directory)
        let burntFingerprint = try burnt.fingerprint

        var notices: [String] = []
        let second = try DevelopmentCertificateSet.ensure(
            in: directory, identities: identities, burntCAFingerprints: [burntFingerprint], notice: { notices.append($0) })
        #expect(second.replacedBurntCA)
        #expect(second.caOutcome == .replaced)
        #expect(second.certificates.map(\.outcome) == [.replaced, .replaced])
        #expect(notices.count == 1)
        #expect(notices.first?.contains("burnt CA") == true)
        #expect(notices.first?.contains(burntFingerprint) == true)

        let fresh = try DevelopmentCA.load(from: directory)
        #expect(try fresh.fingerprint != burntFingerprint)
        for entry in second.certificates {
            let leaf = try Certificate(pemEncoded: String(contentsOf: entry.files.certificateURL, encoding: .utf8))
            #expect(fresh.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
        }
        #expect(first.replacedBurntCA == false)

        // Run again with the same list: the new CA is kept.
        let third = try DevelopmentCertificateSet.ensure(
            in: directory, identities: identities, burntCAFingerprints: [burntFingerprint], notice: { notices.append($0) })
        #expect(!third.replacedBurntCA)
        #expect(third.caOutcome == .kept)
        #expect(notices.count == 1)
    }
}
