import Foundation
import TownshipCertificates
import TownshipTestSupport

/// Several intake replicas and the gateway as separate processes (`.build/debug/intake`,
/// `gateway`) in a temporary state folder, the gateway's `backends.intake.endpoints` listing
/// every replica. Each replica has its own TWP/1 and metrics port; where their data lives is
/// the test's choice (`database`).
final class ReplicaProcesses: @unchecked Sendable {
    /// Where the replicas keep their tickets.
    enum Database {
        /// Each replica its own SQLite file in its own state directory: independent services,
        /// enough to see the gateway balance and eject.
        case ownSQLite
        /// One PostgreSQL database for all, and one state directory (attachments) for all.
        case postgres(url: String, passwordFile: String)
    }

    let state: URL
    let gatewayPort: Int
    let replicaPorts: [Int]
    let metricsPorts: [Int]
    private var replicas: [Process?]
    private var gateway: Process?

    /// `gatewaySections` adds or replaces top-level sections of the gateway's configuration.
    init(replicas count: Int, database: Database, gatewaySections: [String: String] = [:]) throws {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("township-replicas-\(UUID().uuidString)")
        let certs = state.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certs, withIntermediateDirectories: true)
        var picked = FreePort.pick(1 + 2 * count)
        gatewayPort = picked.removeFirst()
        replicaPorts = Array(picked.prefix(count))
        metricsPorts = Array(picked.suffix(count))
        replicas = Array(repeating: nil, count: count)
        _ = try DevelopmentCertificateSet.ensure(in: certs, identities: [try .service("intake"), try .service("gateway"), .admin("township")])
        let tls = #"{"certificate": "\#(certs.path)/service-intake.crt", "key": "\#(certs.path)/service-intake.key", "ca": "\#(certs.path)/ca.crt"}"#
        for replica in 0..<count {
            let own: String
            switch database {
            case .ownSQLite:
                own = #""state": {"directory": "\#(state.path)/intake-\#(replica)"}"#
            case .postgres(let url, let passwordFile):
                own = #""state": {"directory": "\#(state.path)/intake"}, "database": {"url": "\#(url)", "passwordFile": "\#(passwordFile)"}"#
            }
            try write("intake-\(replica).json", """
                {"rpc": {"host": "127.0.0.1", "port": \(replicaPorts[replica])},
                 "metrics": {"host": "127.0.0.1", "port": \(metricsPorts[replica])}, "tls": \(tls), \(own)}
                """)
        }
        let endpoints = replicaPorts.map { #""127.0.0.1:\#($0)""# }.joined(separator: ", ")
        var gateway: [String: String] = [
            "http": #"{"host": "127.0.0.1", "port": \#(gatewayPort)}"#, "metrics": #"{"port": 0}"#,
            "tls": #"{"certificate": "\#(certs.path)/service-gateway.crt", "key": "\#(certs.path)/service-gateway.key", "ca": "\#(certs.path)/ca.crt"}"#,
            "backends": #"{"intake": {"endpoints": [\#(endpoints)]}}"#,
            "users": #"{"database": "\#(state.path)/gateway/users.sqlite", "bcryptCost": 10}"#,
            "breaker": #"{"failures": 3, "coolDownMilliseconds": 500}"#,
        ]
        gateway.merge(gatewaySections) { _, override in override }
        try write("gateway.json", "{" + gateway.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",\n ") + "}")
    }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: state.appendingPathComponent(name))
    }

    private func config(_ replica: Int) -> String { state.appendingPathComponent("intake-\(replica).json").path }

    /// `intake seed` through replica `replica`'s configuration.
    func seed(_ replica: Int, tickets: Int) throws {
        let process = try SuiteProcesses.start(try SuiteProcesses.binary("intake"), ["seed", "--config", config(replica), "--tickets", "\(tickets)"], log: "seed-\(replica)")
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SuiteProcesses.Missing(description: "intake seed (replica \(replica)) exited \(process.terminationStatus)") }
    }

    /// Starts replica `replica` (again, on its port and data) and waits until it listens.
    func start(_ replica: Int) async throws {
        let process = try SuiteProcesses.start(try SuiteProcesses.binary("intake"), ["serve", "--config", config(replica)], log: "intake-\(replica)")
        replicas[replica] = process
        try await PortReadiness.waitUntilListening("intake replica \(replica)", process: process, port: replicaPorts[replica])
    }

    /// SIGKILL for replica `replica`: no drain, its connections cut by the kernel. Returns the
    /// signal it died of.
    @discardableResult
    func kill(_ replica: Int) -> Int32 {
        defer { replicas[replica] = nil }
        return SuiteProcesses.kill(replicas[replica])
    }

    /// Starts the gateway and waits until it signs users in.
    func startGateway() async throws -> GatewayHTTP {
        gateway = try SuiteProcesses.start(try SuiteProcesses.binary("gateway"), ["--config", state.appendingPathComponent("gateway.json").path], log: "gateway")
        let http = GatewayHTTP(port: gatewayPort)
        _ = try await eventually("the gateway signs in") { try await http.login("leader") }
        return http
    }

    /// Successful calls replica `replica` has served since it started (of `method`, e.g.
    /// "SubmitTicket", or of any), from its `/metrics`.
    func servedCalls(_ replica: Int, method: String? = nil, http: GatewayHTTP) async throws -> Int {
        let text = try await http.text(from: "http://127.0.0.1:\(metricsPorts[replica])/metrics")
        return text.split(separator: "\n").filter { line in
            line.hasPrefix("township_rpc_server_calls_total{") && line.contains("status=\"OK\"")
                && (method.map { line.contains("/\($0)\"") } ?? true)
        }.reduce(0) { total, line in total + (Int(Double(line.split(separator: " ").last ?? "") ?? 0)) }
    }

    func stopAll() {
        for process in ([gateway] + replicas).compactMap({ $0 }) where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: state)
    }
}
