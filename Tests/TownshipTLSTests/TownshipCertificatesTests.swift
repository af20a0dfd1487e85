import Foundation
import Testing
import TownshipCertificates
import X509

@Suite struct TownshipIdentityTests {
    @Test func formatsAndParsesServiceAndAdminURIs() throws {
        let service = try TownshipIdentity.service("canteen-meals")
        #expect(service.uri == "spiffe://township.local/service/canteen-meals")
        #expect(try TownshipIdentity(uri: service.uri) == service)
        let admin = try TownshipIdentity(uri: "spiffe://township.local/admin/ops1")
        #expect(admin.kind == .admin)
        #expect(admin.name == "ops1")
    }

    @Test(arguments: [
        "spiffe://example.org/service/intake",
        "https://township.local/service/intake",
        "spiffe://township.local/service/intake/extra",
        "spiffe://township.local/service",
        "spiffe://township.local/service/intake/",
    ])
    func rejectsForeignOrMalformedURIs(uri: String) {
        #expect(throws: TownshipIdentityError.notATownshipURI(uri)) { try TownshipIdentity(uri: uri) }
    }

    @Test func rejectsUnknownKinds() {
        #expect(throws: TownshipIdentityError.unknownKind("robot")) {
            try TownshipIdentity(uri: "spiffe://township.local/robot/intake")
        }
    }

    @Test(arguments: ["", "Intake", "-intake", "intake-", "in take", "in/take", "intäke", String(repeating: "a", count: 64)])
    func rejectsInvalidNames(name: String) {
        #expect(throws: TownshipIdentityError.invalidName(name)) { try TownshipIdentity.service(name) }
    }

    @Test func acceptsTheLongestValidName() throws {
        let name = String(repeating: "a", count: 63)
        #expect(try TownshipIdentity.admin(name).name == name)
    }
}

@Suite struct DevelopmentCATests {
    @Test func issuesLeafWithSPIFFEAndLoopbackNamesSignedByTheCA() throws {
        let ca = try DevelopmentCA.create(commonName: "Test CA")
        #expect(try ca.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(ca.certificate.issuer == ca.certificate.subject)

        let identity = try TownshipIdentity.service("intake")
        let issued = try ca.issue(identity: identity)
        let leaf = try Certificate(pemEncoded: issued.certificatePEM)
        #expect(leaf == issued.certificate)
        #expect(leaf.issuer == ca.certificate.subject)
        #expect(ca.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(names.contains(.uniformResourceIdentifier(identity.uri)))
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.ipAddress(.init(contentBytes: [127, 0, 0, 1]))))
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(issued.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test func honoursTheRequestedValidity() throws {
        let ca = try DevelopmentCA.create()
        let from = Date(timeIntervalSince1970: 1_700_000_000)
        let until = from.addingTimeInterval(3600)
        let issued = try ca.issue(identity: .admin("ops"), validFrom: from, validUntil: until)
        #expect(issued.certificate.notValidBefore == from)
        #expect(issued.certificate.notValidAfter == until)
        #expect(throws: CertificateToolError.invalidValidity(from: until, until: from)) {
            try ca.issue(identity: .admin("ops"), validFrom: until, validUntil: from)
        }
    }

    @Test func writesFilesWithoutOverwritingUnlessAsked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("township-certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = try DevelopmentCA.create()
        let files = try ca.write(to: directory)
        #expect(files.exist)
        let permissions = try FileManager.default.attributesOfItem(atPath: files.privateKeyPath)[.posixPermissions] as? Int
        #expect(permissions == 0o600)

        let other = try DevelopmentCA.create()
        #expect(throws: CertificateToolError.fileExists(path: files.certificatePath)) {
            try other.write(to: directory)
        }
        // The refused write left the original CA in place, and it loads back.
        let loaded = try DevelopmentCA.load(from: directory)
        #expect(loaded.certificate == ca.certificate)

        try other.write(to: directory, overwrite: true)
        #expect(try DevelopmentCA.load(from: directory).certificate == other.certificate)

        let leafFiles = try other.issue(identity: .service("job-fair")).write(to: directory)
        #expect(leafFiles.certificateURL.lastPathComponent == "service-job-fair.crt")
        #expect(leafFiles.privateKeyURL.lastPathComponent == "service-job-fair.key")
    }

    @Test func refusesAKeyThatDoesNotBelongToTheCertificate() throws {
        let first = try DevelopmentCA.create()
        let second = try DevelopmentCA.create()
        #expect(throws: CertificateToolError.keyDoesNotMatchCertificate) {
            try DevelopmentCA(certificatePEM: first.certificatePEM, privateKeyPEM: second.privateKeyPEM)
        }
    }
}

@Suite struct DevelopmentCertificateSetTests {
    @Test func ensureCreatesOnceThenKeepsThenReplacesOnRequest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("township-set-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let identities = [try TownshipIdentity.service("intake"), try TownshipIdentity.admin("ops")]

        let first = try DevelopmentCertificateSet.ensure(in: directory, identities: identities)
        #expect(first.caOutcome == .created)
        #expect(first.certificates.map(\.outcome) == [.created, .created])
        let intakePEM = try String(contentsOf: first.certificates[0].files.certificateURL, encoding: .utf8)

        let second = try DevelopmentCertificateSet.ensure(
            in: directory,
            identities: identities + [try TownshipIdentity.service("job-fair")]
        )
        #expect(second.caOutcome == .kept)
        #expect(second.certificates.map(\.outcome) == [.kept, .kept, .created])
        #expect(try String(contentsOf: second.certificates[0].files.certificateURL, encoding: .utf8) == intakePEM)
        let ca = try DevelopmentCA.load(from: directory)
        let jobFair = try Certificate(pemEncoded: String(contentsOf: second.certificates[2].files.certificateURL, encoding: .utf8))
        #expect(ca.certificate.publicKey.isValidSignature(jobFair.signature, for: jobFair))

        let third = try DevelopmentCertificateSet.ensure(in: directory, identities: identities, replaceExisting: true)
        #expect(third.caOutcome == .replaced)
        #expect(third.certificates.map(\.outcome) == [.replaced, .replaced])
        #expect(try String(contentsOf: third.certificates[0].files.certificateURL, encoding: .utf8) != intakePEM)
    }

    @Test func ensureRefusesToKeepACertificateFromAnotherCA() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("township-set-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let intake = try TownshipIdentity.service("intake")
        _ = try DevelopmentCertificateSet.ensure(in: directory, identities: [intake])
        let stranger = try DevelopmentCA.create().issue(identity: intake)
        let files = try stranger.write(to: directory, overwrite: true)

        #expect(throws: CertificateToolError.notIssuedByCA(path: files.certificatePath)) {
            try DevelopmentCertificateSet.ensure(in: directory, identities: [intake])
        }
    }
}
