import ArgumentParser
import Foundation
import TownshipCatalogue
import TownshipCertificates
import Synchronization
import UnixSignals

/// `township up`: the whole suite on this machine from a fresh clone: builds it, creates the
/// development certificates, writes each program's configuration, loads the demo data the
/// first time, starts every program as its own process, and stops them all on Ctrl-C.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Build and run the whole suite locally with demo data.")

    @Option(help: "The state folder: certificates, configuration, databases.")
    var state = "state"

    @Flag(help: "Use what is already built.")
    var noBuild = false

    @Flag(help: "Build and run release binaries.")
    var release = false

    @Option(help: "Seconds each service may take to listen before the next program starts (the gateway starts once every service listens).")
    var readySeconds = 60

    @Flag(help: "Only build the suite's programs (scripts/test builds them this way, so that a later `up` reuses them).")
    var buildOnly = false

    struct Failure: Error, CustomStringConvertible { var description: String }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: "Package.swift") else {
            throw Failure(description: "run `township up` from the root of the Township repository")
        }
        let layout = SuiteLayout(state: URL(fileURLWithPath: state).standardizedFileURL)
        let binaries = try build(layout)
        if buildOnly { return }
        try ensureCertificates(layout)
        try writeConfigurations(layout)
        try seedIfFirstRun(layout, binaries: binaries)

        let crashed = Atomic<Bool>(false)
        let supervisor = ProcessSupervisor { name, status in
            FileHandle.standardError.write(Data("\u{1B}[31m\(name) exited with status \(status); it is not restarted. The other programs keep running; Ctrl-C stops them.\u{1B}[0m\n".utf8))
            crashed.store(true, ordering: .relaxed)
        }
        for (index, program) in layout.programs().enumerated() {
            try supervisor.start(name: program.name, executable: binaries.appendingPathComponent(program.name), arguments: program.arguments, index: index)
            if let port = program.readinessPort {
                do {
                    try await PortReadiness.waitUntilListening(program.name, port: port, isRunning: { supervisor.isRunning(program.name) },
                                                              within: .seconds(readySeconds))
                } catch {
                    await supervisor.stopAll()
                    throw error
                }
            }
        }
        supervisor.print("""

            Township is up.
              cockpit:  http://127.0.0.1:\(ServiceCatalogue.Gateway.httpPort)/
              logins:   leader, grid, dept, resident, admin, … (password: township-demo)
              call:     swift run township call intake ListVillages '{}'
              metrics:  \(metricsLine)
            Ctrl-C stops everything.

            """)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        // Whichever comes first: Ctrl-C (or SIGTERM), or every program having exited.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in signals { return } }
            group.addTask {
                while supervisor.anyRunning && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(250)) }
            }
            await group.next()
            group.cancelAll()
        }
        await supervisor.stopAll()
        if crashed.load(ordering: .relaxed) { throw ExitCode(1) }
    }

    private var metricsLine: String {
        (ServiceCatalogue.built.map { ($0.name, $0.metricsPort) } + [(ServiceCatalogue.Gateway.name, ServiceCatalogue.Gateway.metricsPort)])
            .map { "http://127.0.0.1:\($0.1)/metrics (\($0.0))" }.joined(separator: ", ")
    }

    /// Builds the programs the suite runs, one `--product` each, and returns the folder
    /// holding the binaries. Not a plain `swift build`: that also builds every test-only and
    /// dependency tool (swift-protobuf's C++ protoc among them), minutes of work nothing here runs.
    private func build(_ layout: SuiteLayout) throws -> URL {
        let configuration = release ? ["-c", "release"] : []
        if !noBuild {
            for program in layout.programs() {
                print("building \(program.name) (swift build --product \(program.name) \(configuration.joined(separator: " ")))…")
                try runTool("swift", ["build", "--product", program.name] + configuration)
            }
        }
        let path = try runTool("swift", ["build", "--show-bin-path"] + configuration, capture: true)
        return URL(fileURLWithPath: path.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func ensureCertificates(_ layout: SuiteLayout) throws {
        try FileManager.default.createDirectory(at: layout.certificates, withIntermediateDirectories: true)
        var identities = try KnownServices.certificateNames.map { try TownshipIdentity.service($0) }
        identities.append(try .admin(KnownServices.adminName))
        let report = try DevelopmentCertificateSet.ensure(in: layout.certificates, identities: identities)
        if report.caOutcome == .created { print("created development certificates in \(layout.certificates.path)") }
    }

    /// Writes each program's configuration unless the operator has one there already.
    private func writeConfigurations(_ layout: SuiteLayout) throws {
        try FileManager.default.createDirectory(at: layout.configurations, withIntermediateDirectories: true)
        for program in layout.programs() {
            try FileManager.default.createDirectory(at: layout.directory(of: program.name), withIntermediateDirectories: true)
            let file = layout.configuration(of: program.name)
            guard !FileManager.default.fileExists(atPath: file.path) else { continue }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(program.configuration)
            try data.write(to: file)
        }
    }

    private func seedIfFirstRun(_ layout: SuiteLayout, binaries: URL) throws {
        guard !FileManager.default.fileExists(atPath: layout.seededMarker.path) else { return }
        print("loading the demo data (first run only)…")
        // Every built service has the kit's `seed` (ServiceCommands).
        for service in ServiceCatalogue.built {
            try runTool(binaries.appendingPathComponent(service.name).path,
                        ["seed", "--config", layout.configuration(of: service.name).path, "--progress"])
        }
        _ = FileManager.default.createFile(atPath: layout.seededMarker.path, contents: Data())
    }
}

/// Runs a tool to completion; its output goes to ours unless captured.
@discardableResult
func runTool(_ tool: String, _ arguments: [String], capture: Bool = false) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
    process.arguments = tool.hasPrefix("/") ? arguments : [tool] + arguments
    let pipe = Pipe()
    if capture { process.standardOutput = pipe }
    try process.run()
    let data = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw UpCommand.Failure(description: "\(tool) \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}
