import Foundation
import Testing

/// What an operator installs from deploy/: every unit parses for systemd and starts a binary
/// we build, and the example configuration names only keys the service accepts.
@Suite struct DeployFilesTests {
    static let deploy = SuiteProcesses.repository.appendingPathComponent("deploy")

    @Test(arguments: ["intake", "gateway"])
    func theUnitIsValidForSystemd(_ service: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            Issue.record("systemd-analyze is missing (Debian's systemd package)")
            return
        }
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("systemd/township-\(service).service"), encoding: .utf8)
        let binary = try SuiteProcesses.binary(service)
        #expect(unit.contains("ExecStart=/usr/local/bin/\(service) "), "the unit starts /usr/local/bin/\(service)")
        // Verify the unit as written, pointing only its binary at the one we built.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("township-\(service).service")
        try Data(unit.replacingOccurrences(of: "/usr/local/bin/\(service)", with: binary.path).utf8).write(to: copy)
        let (status, output) = try run("/usr/bin/systemd-analyze", ["verify", "--man=no", copy.path])
        #expect(status == 0 && output.isEmpty, "systemd-analyze verify: \(output)")
    }

    @Test func theIntakeExampleConfigurationIsAccepted() throws {
        let (status, output) = try run(try SuiteProcesses.binary("intake").path,
                                       ["check-config", "--config", Self.deploy.appendingPathComponent("intake.example.json").path])
        #expect(status == 0, "\(output)")
    }

    @Test func checkConfigNamesAnUnknownKey() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try Data(#"{"rpc": {"port": 7101, "prot": 1}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try run(try SuiteProcesses.binary("intake").path, ["check-config", "--config", file.path])
        #expect(status != 0)
        #expect(output.contains("rpc.prot"), "\(output)")
    }
}

private func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}
