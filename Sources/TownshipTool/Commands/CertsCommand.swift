import ArgumentParser
import Foundation
import TownshipCertificates

/// `township certs`: a development CA and a certificate for every service, the gateway and
/// this tool, with the identities the protocol expects. Safe to run again: it keeps what is
/// there (and checks it was issued by the folder's CA) unless `--force`.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Create the development CA and service certificates.")

    @Option(help: "Folder for the CA and certificates.")
    var directory = "state/certs"

    @Flag(help: "Replace the CA and every certificate.")
    var force = false

    func run() throws {
        let folder = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var identities = try KnownServices.certificateNames.map { try TownshipIdentity.service($0) }
        identities.append(try .admin(KnownServices.adminName))
        let report = try DevelopmentCertificateSet.ensure(in: folder, identities: identities, replaceExisting: force)
        print("CA \(report.caOutcome.rawValue): \(report.ca.certificatePath)")
        for entry in report.certificates {
            print("\(entry.identity.uri) \(entry.outcome.rawValue): \(entry.files.certificatePath)")
        }
    }
}
