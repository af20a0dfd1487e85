import Foundation
import TownshipCatalogue
import TownshipCertificates
import TownshipTestSupport

/// A local suite of separately started executables (`.build/debug/intake`, every other built
/// service of the catalogue, `gateway`) in a temporary state folder, as an operator would run them.
final class SuiteProcesses: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let state: URL
    let intakePort: Int
    let gatewayPort: Int
    let intakeMetricsPort: Int
    private(set) var intake: Process?
    /// The catalogue's other built services: their TWP/1 ports, and their processes once started.
    let otherPorts: [String: Int]
    private(set) var others: [String: Process] = [:]
    private(set) var gateway: Process?

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// `gatewaySections` adds or replaces top-level sections of the gateway's JSON
    /// configuration, e.g. `["overview": #"{"budgetMilliseconds": 800}"#]`.
    init(gatewaySections: [String: String] = [:]) throws {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("township-e2e-\(UUID().uuidString)")
        let certs = state.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certs, withIntermediateDirectories: true)
        // Distinct ports, all picked at once.
        let others = ServiceCatalogue.built.map(\.name).filter { $0 != "intake" }
        var picked = FreePort.pick(3 + others.count)
        (intakePort, gatewayPort, intakeMetricsPort) = (picked.removeFirst(), picked.removeFirst(), picked.removeFirst())
        let ports = Dictionary(uniqueKeysWithValues: zip(others, picked))
        otherPorts = ports
        let names = ["intake", "gateway"] + ports.keys.sorted()
        _ = try DevelopmentCertificateSet.ensure(in: certs, identities: try names.map { try .service($0) } + [.admin("township")])
        for (name, port) in ports {
            // enterprise-liaison refers difficult items to this intake, with a quick pass (#14).
            let own = name == "enterprise-liaison"
                ? #", "intake": {"endpoints": ["127.0.0.1:\#(intakePort)"], "referralPassSeconds": 1, "callTimeoutMilliseconds": 2000}"# : ""
            try write("\(name).json", """
                {"rpc": {"host": "127.0.0.1", "port": \(port)}, "metrics": {"port": 0},
                 "tls": {"certificate": "\(certs.path)/service-\(name).crt", "key": "\(certs.path)/service-\(name).key", "ca": "\(certs.path)/ca.crt"},
                 "state": {"directory": "\(state.path)/\(name)"}\(own)}
                """)
        }
        // As `township up` does: intake admits enterprise-liaison acting as itself.
        let serviceCallers = ports["enterprise-liaison"] == nil ? "" : #", "callers": {"services": ["spiffe://township.local/service/enterprise-liaison"]}"#
        let backends = ([("intake", intakePort)] + ports.sorted { $0.key < $1.key })
            .map { #""\#($0.0)": {"endpoints": ["127.0.0.1:\#($0.1)"]}"# }.joined(separator: ", ")
        try write("intake.json", """
            {"rpc": {"host": "127.0.0.1", "port": \(intakePort)}, "metrics": {"host": "127.0.0.1", "port": \(intakeMetricsPort)},
             "tls": {"certificate": "\(certs.path)/service-intake.crt", "key": "\(certs.path)/service-intake.key", "ca": "\(certs.path)/ca.crt"},
             "state": {"directory": "\(state.path)/intake"}\(serviceCallers)}
            """)
        var gateway: [String: String] = [
            "http": #"{"host": "127.0.0.1", "port": \#(gatewayPort)}"#, "metrics": #"{"port": 0}"#,
            "tls": #"{"certificate": "\#(certs.path)/service-gateway.crt", "key": "\#(certs.path)/service-gateway.key", "ca": "\#(certs.path)/ca.crt"}"#,
            "backends": "{\(backends)}",
            "users": #"{"database": "\#(usersDatabase.path)", "bcryptCost": 10}"#,
            "breaker": #"{"coolDownMilliseconds": 200}"#,
        ]
        gateway.merge(gatewaySections) { _, override in override }
        try write("gateway.json", "{" + gateway.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",\n ") + "}")
    }

    /// The gateway's users and sessions (SQLite), where a test can add users the demo set lacks.
    var usersDatabase: URL { state.appendingPathComponent("gateway/users.sqlite") }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: state.appendingPathComponent(name))
    }

    static func binary(_ name: String) throws -> URL {
        let url = repository.appendingPathComponent(".build/debug/\(name)")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw Missing(description: "\(url.path) is not built: run `swift build` before `swift test` (scripts/test does)")
        }
        return url
    }

    func seedIntake(tickets: Int = 20) throws {
        let process = try Self.start(try Self.binary("intake"), ["seed", "--config", state.appendingPathComponent("intake.json").path, "--tickets", "\(tickets)"], log: "seed")
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Missing(description: "intake seed exited \(process.terminationStatus)") }
    }

    func startIntake() throws {
        intake = try Self.start(try Self.binary("intake"), ["serve", "--config", state.appendingPathComponent("intake.json").path], log: "intake")
    }

    /// Seeds and starts each other built service with its kit's `seed` and `serve`.
    func startOthers() async throws {
        for (name, port) in otherPorts.sorted(by: { $0.key < $1.key }) {
            let config = state.appendingPathComponent("\(name).json").path
            let seed = try Self.start(try Self.binary(name), ["seed", "--config", config], log: "seed-\(name)")
            seed.waitUntilExit()
            guard seed.terminationStatus == 0 else { throw Missing(description: "\(name) seed exited \(seed.terminationStatus)") }
            try await serveOther(name, port: port)
        }
    }

    /// Starts (or starts again, on the same port and data) one of the other built services.
    func serveOther(_ name: String, port: Int) async throws {
        let config = state.appendingPathComponent("\(name).json").path
        let process = try Self.start(try Self.binary(name), ["serve", "--config", config], log: name)
        others[name] = process
        try await PortReadiness.waitUntilListening(name, process: process, port: port)
    }

    /// SIGKILL for one of the other built services: no drain.
    @discardableResult
    func killOther(_ name: String) -> Int32 {
        defer { others[name] = nil }
        return Self.kill(others[name])
    }

    /// Seeds intake, starts intake and every other built service, waits until they listen,
    /// then starts the gateway (so that its first connection to each succeeds rather than
    /// sending it into reconnect backoff), and waits until the gateway signs users in.
    func startAll(tickets: Int = 20) async throws -> GatewayHTTP {
        try seedIntake(tickets: tickets)
        try startIntake()
        try await PortReadiness.waitUntilListening("intake", process: intake, port: intakePort)
        try await startOthers()
        try startGateway()
        let http = GatewayHTTP(port: gatewayPort)
        _ = try await eventually("the gateway signs in") { try await http.login("leader") }
        return http
    }

    func startGateway() throws {
        gateway = try Self.start(try Self.binary("gateway"), ["--config", state.appendingPathComponent("gateway.json").path], log: "gateway")
    }

    /// SIGTERM, as systemd's stop does, and wait for the drain to finish; returns how long
    /// that took.
    @discardableResult
    func stopIntake() -> Duration {
        guard let intake else { return .zero }
        let started = ContinuousClock.now
        intake.terminate()
        intake.waitUntilExit()
        self.intake = nil
        return ContinuousClock.now - started
    }

    /// SIGKILL, as a crash or the OOM killer would: no drain, connections cut by the kernel.
    /// Returns the signal the process died of.
    @discardableResult
    func killIntake() -> Int32 {
        defer { intake = nil }
        return Self.kill(intake)
    }

    /// SIGTERM for the gateway and wait for it to exit; returns how long that took.
    @discardableResult
    func stopGateway() -> Duration {
        guard let gateway else { return .zero }
        let started = ContinuousClock.now
        gateway.terminate()
        gateway.waitUntilExit()
        self.gateway = nil
        return ContinuousClock.now - started
    }

    /// SIGKILL for the gateway: no drain.
    func killGateway() {
        defer { gateway = nil }
        Self.kill(gateway)
    }

    /// SIGSTOP: intake freezes with its connections open, as a hung process or a paused VM
    /// would; `resumeIntake` (SIGCONT) lets it go on.
    func freezeIntake() {
        guard let intake else { return }
        Foundation.kill(intake.processIdentifier, SIGSTOP)
    }

    func resumeIntake() {
        guard let intake else { return }
        Foundation.kill(intake.processIdentifier, SIGCONT)
    }

    @discardableResult
    static func kill(_ process: Process?) -> Int32 {
        guard let process else { return 0 }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? process.terminationStatus : 0
    }

    func stopAll() {
        for process in ([gateway, intake] + others.values.map { $0 }).compactMap({ $0 }) where process.isRunning {
            // A frozen process would not act on the SIGTERM.
            Foundation.kill(process.processIdentifier, SIGCONT)
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: state)
    }

    static func start(_ executable: URL, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("township-e2e-\(log)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}
