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

    @Option(help: "Intake replicas to start (1...\(IntakeTopology.maxReplicas)); more than one needs PostgreSQL, which it then implies.")
    var replicas = 1

    @Option(help: "Intake's database: sqlite or postgres (a local cluster in <state>/postgres, created on the first run). Default: the state folder's own, else sqlite for one replica and postgres for several.")
    var database: SuiteDatabase?

    @Option(help: "The port of the local PostgreSQL cluster (127.0.0.1).")
    var postgresPort = SuitePostgres.defaultPort

    struct Failure: Error, CustomStringConvertible { var description: String }

    func validate() throws {
        guard (1...IntakeTopology.maxReplicas).contains(replicas) else {
            throw ValidationError("--replicas must be within 1...\(IntakeTopology.maxReplicas)")
        }
        guard replicas == 1 || database != .sqlite else {
            throw ValidationError("--replicas \(replicas) needs --database postgres: several intake processes cannot share one SQLite file")
        }
        guard (1...65535).contains(postgresPort) else { throw ValidationError("--postgres-port must be within 1...65535") }
    }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: "Package.swift") else {
            throw Failure(description: "run `township up` from the root of the Township repository")
        }
        let layout = SuiteLayout(state: URL(fileURLWithPath: state).standardizedFileURL)
        let binaries = try build(layout)
        if buildOnly { return }
        let postgres = try SuiteDatabase.choose(database, replicas: replicas, layout: layout) == .postgres
            ? SuitePostgres(layout: layout, port: postgresPort) : nil
        let intake = IntakeTopology.replicas(replicas, layout: layout, postgres: postgres?.connection)
        let programs = layout.programs(intake: intake)
        try ensureCertificates(layout)
        try writeConfigurations(layout, programs: programs, intake: intake)
        // Trapped from before the cluster starts: a SIGTERM while the demo data loads must not
        // end `up` there and then, leaving the cluster running; it is acted on once the
        // programs are up (Ctrl-C also stops the loader itself, which ends the run here).
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        try postgres?.start()
        do {
            try seedIfFirstRun(layout, binaries: binaries)
            try await serve(programs, binaries: binaries, intake: intake, until: signals)
        } catch {
            postgres?.stop()
            throw error
        }
        postgres?.stop()
    }

    /// Starts every program, each once the one before listens, and waits for Ctrl-C (or
    /// SIGTERM, or every program having exited); then stops them all.
    private func serve(_ programs: [SuiteProgram], binaries: URL, intake: IntakeTopology, until signals: UnixSignalsSequence) async throws {
        let crashed = Atomic<Bool>(false)
        let supervisor = ProcessSupervisor { name, status in
            FileHandle.standardError.write(Data("\u{1B}[31m\(name) exited with status \(status); it is not restarted. The other programs keep running; Ctrl-C stops them.\u{1B}[0m\n".utf8))
            crashed.store(true, ordering: .relaxed)
        }
        for (index, program) in programs.enumerated() {
            try supervisor.start(name: program.name, executable: binaries.appendingPathComponent(program.executable), arguments: program.arguments, index: index)
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
        let replicaLine = intake.replicas.count == 1 ? ""
            : "\n  intake:   \(intake.replicas.count) replicas (\(intake.endpoints.joined(separator: ", "))) on PostgreSQL 127.0.0.1:\(postgresPort)"
        supervisor.print("""

            Township is up.
              cockpit:  http://127.0.0.1:\(ServiceCatalogue.Gateway.httpPort)/
              logins:   leader, grid, dept, resident, admin, … (password: township-demo)
              call:     swift run township call intake ListVillages '{}'
              metrics:  \(metricsLine(intake))\(replicaLine)
            Ctrl-C stops everything.

            """)
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

    private func metricsLine(_ intake: IntakeTopology) -> String {
        let services = ServiceCatalogue.built.filter { $0.name != "intake" }.map { ($0.name, $0.metricsPort) }
        return (intake.replicas.map { ($0.name, $0.metricsPort) } + services + [(ServiceCatalogue.Gateway.name, ServiceCatalogue.Gateway.metricsPort)])
            .map { "http://127.0.0.1:\($0.1)/metrics (\($0.0))" }.joined(separator: ", ")
    }

    /// Builds the programs the suite runs, one `--product` each, and returns the folder
    /// holding the binaries. Not a plain `swift build`: that also builds every test-only and
    /// dependency tool (swift-protobuf's C++ protoc among them), minutes of work nothing here runs.
    private func build(_ layout: SuiteLayout) throws -> URL {
        let configuration = release ? ["-c", "release"] : []
        if !noBuild {
            for program in layout.programs() {
                print("building \(program.executable) (swift build --product \(program.executable) \(configuration.joined(separator: " ")))…")
                try runTool("swift", ["build", "--product", program.executable] + configuration)
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

    /// Writes each program's configuration unless the operator has one there already; in one
    /// written before, only the keys that follow `--replicas` and `--database` are brought in
    /// step (the gateway's and enterprise-liaison's intake endpoints, intake's database).
    private func writeConfigurations(_ layout: SuiteLayout, programs: [SuiteProgram], intake: IntakeTopology) throws {
        try FileManager.default.createDirectory(at: layout.configurations, withIntermediateDirectories: true)
        for program in programs {
            try FileManager.default.createDirectory(at: layout.directory(of: program.executable), withIntermediateDirectories: true)
            let file = layout.configuration(of: program.name)
            guard !FileManager.default.fileExists(atPath: file.path) else { continue }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(program.configuration)
            try data.write(to: file)
        }
        var kept: [(String, [String], JSONValue)] = [("gateway", ["backends", "intake", "endpoints"], .array(intake.endpoints))]
        if ServiceCatalogue.service(named: "enterprise-liaison")?.isBuilt == true {
            kept.append(("enterprise-liaison", ["intake", "endpoints"], .array(intake.endpoints)))
        }
        if let postgres = intake.postgres {
            kept += intake.replicas.map { ($0.name, ["database"], SuiteLayout.database(postgres)) }
        }
        for (program, keyPath, value) in kept {
            let file = layout.configuration(of: program)
            if try ConfigurationFile.set(keyPath, to: value, in: file) {
                print("\(file.path): \(keyPath.joined(separator: ".")) updated for this run")
            }
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
