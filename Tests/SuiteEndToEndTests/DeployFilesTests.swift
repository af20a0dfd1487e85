import Foundation
import Testing
import TownshipCertificates

/// What an operator installs from deploy/: every unit parses for systemd and starts a binary
/// we build, the example configurations name only keys the services accept, and
/// `check-config` names what is wrong in a bad one.
@Suite struct DeployFilesTests {
    static let deploy = SuiteProcesses.repository.appendingPathComponent("deploy")

    /// The one templated unit, instantiated for every program the catalogue builds
    /// (`township@intake.service`, `township@gateway.service`).
    @Test(arguments: CatalogueFiles.programs)
    func theUnitIsValidForSystemd(_ service: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            Issue.record("systemd-analyze is missing (Debian's systemd package)")
            return
        }
        let unit = try String(contentsOf: CatalogueFiles.unitTemplate, encoding: .utf8)
        let binary = try SuiteProcesses.binary(service)
        #expect(unit.contains("ExecStart=/usr/local/bin/%i serve --config /etc/township/%i.json"), "the unit starts /usr/local/bin/<instance>")
        // Verify the unit as written, pointing only its binaries' folder at the one we built.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = folder.appendingPathComponent("township@.service")
        try Data(unit.replacingOccurrences(of: "/usr/local/bin/", with: binary.deletingLastPathComponent().path + "/").utf8).write(to: template)
        let instance = folder.appendingPathComponent("township@\(service).service")
        let (status, output) = try run("/usr/bin/systemd-analyze", ["verify", "--man=no", instance.path])
        #expect(status == 0 && output.isEmpty, "systemd-analyze verify: \(output)")
    }

    /// Run where the example's relative paths lead to certificates, as in a fresh checkout
    /// after `township certs`: the gateway's check loads the TLS files it names.
    @Test(arguments: CatalogueFiles.programs)
    func theExampleConfigurationIsAccepted(_ service: String) throws {
        let folder = try Self.workingDirectoryWithCertificates()
        defer { try? FileManager.default.removeItem(at: folder) }
        let example = Self.deploy.appendingPathComponent("\(service).example.json")
        let (status, output) = try run(try SuiteProcesses.binary(service).path, ["check-config", "--config", example.path], in: folder)
        #expect(status == 0, "\(output)")
        #expect(output.contains("OK"), "\(output)")
    }

    /// A misspelt key is silently ignored by swift-configuration, so only the check finds it.
    @Test(arguments: [
        ("intake", #"{"rpc": {"port": 7101, "prot": 1}}"#, "rpc.prot"),
        ("gateway", #"{"http": {"port": 8080, "prot": 1}}"#, "http.prot"),
        ("gateway", #"{"backends": {"intake": {"endpoint": ["127.0.0.1:7101"]}}}"#, "backends.intake.endpoint"),
    ])
    func checkConfigNamesAnUnknownKey(_ service: String, _ json: String, _ key: String) throws {
        let (status, output) = try checkConfig(service, json)
        #expect(status != 0)
        #expect(output.contains("unknown key '\(key)'"), "\(output)")
    }

    /// The gateway's check names the key whose value the gateway would not use as written.
    @Test(arguments: [
        (#"{"http": {"port": "8080"}}"#, "'http.port' must be an integer"),
        (#"{"users": {"seedDemo": 1}}"#, "'users.seedDemo' must be a boolean"),
        (#"{"users": {"bcryptCost": 9}}"#, "users.bcryptCost must be within 10...16"),
        (#"{"log": {"level": "loud"}}"#, "log.level 'loud'"),
        (#"{"backends": {"intake": {"endpoints": ["intake-host"]}}}"#, "backends.intake.endpoints: 'intake-host'"),
        (#"{"backends": {"intake": {"endpoints": ["127.0.0.1:7101"]}}, "tls": {"certificate": "/nonexistent/gateway.crt"}}"#,
         "tls.certificate: '/nonexistent/gateway.crt' does not exist"),
        (#"{"https": {"certificate": "/nonexistent/fullchain.pem", "key": "/nonexistent/privkey.pem"}}"#,
         "https.certificate: '/nonexistent/fullchain.pem' does not exist"),
        (#"{"https": {"certificate": "/nonexistent/fullchain.pem"}}"#, "https.certificate and https.key go together"),
    ])
    func gatewayCheckConfigNamesABadValue(_ json: String, _ expected: String) throws {
        let (status, output) = try checkConfig("gateway", json)
        #expect(status != 0)
        #expect(output.contains(expected), "\(output)")
    }

    /// Mutual TLS to the backends loads the certificate and key as serve does: a key of
    /// another identity fails the check, not the first call.
    @Test func gatewayCheckConfigRejectsAKeyNotMatchingItsCertificate() throws {
        let folder = try Self.workingDirectoryWithCertificates()
        defer { try? FileManager.default.removeItem(at: folder) }
        let certs = folder.appendingPathComponent("state/certs").path
        let json = #"{"backends": {"intake": {"endpoints": ["127.0.0.1:7101"]}}, "tls": {"certificate": "\#(certs)/service-gateway.crt", "key": "\#(certs)/service-intake.key", "ca": "\#(certs)/ca.crt"}}"#
        let (status, output) = try checkConfig("gateway", json)
        #expect(status != 0)
        #expect(output.contains("tls.certificate, tls.key, tls.ca"), "\(output)")
    }

    private func checkConfig(_ service: String, _ json: String) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try run(try SuiteProcesses.binary(service).path, ["check-config", "--config", file.path],
                       in: FileManager.default.temporaryDirectory)
    }

    /// A folder holding `state/certs` as `township certs` writes it.
    private static func workingDirectoryWithCertificates() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        _ = try DevelopmentCertificateSet.ensure(in: folder.appendingPathComponent("state/certs"),
                                                 identities: try CatalogueFiles.programs.map { try .service($0) })
        return folder
    }
}

private func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}
