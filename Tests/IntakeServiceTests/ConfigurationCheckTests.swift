import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The built `intake` executable refuses a configuration it cannot honour, before it starts,
/// with a message naming the file, key, path or port (`serve` and `check-config` run the same
/// typed check). Needs `swift build --product intake` first, as CrashRecoveryTests.
@Suite("Configuration checks of the intake executable", .timeLimit(.minutes(3)))
struct ConfigurationCheckTests {
    struct Outcome {
        let status: Int32
        let stderr: String
    }

    /// Runs `intake ARGS`; a watchdog ends it if it outlives 60 s (it should refuse at once).
    static func intake(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome? {
        guard let executable = CrashRecoveryTests.executable else {
            Issue.record("build the executable first: swift build --product intake")
            return nil
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, override in override }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let (exited, exit) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exit.yield(); exit.finish() }
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Task { try await Task.sleep(for: .seconds(60)); kill(pid, SIGTERM) }
        for await _ in exited { break }
        watchdog.cancel()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Outcome(status: process.terminationStatus, stderr: text)
    }

    /// A directory with a configuration file whose values are valid (certificates of the test
    /// PKI, a fresh state directory, metrics off) except what `change` does to it.
    static func configuration(_ change: (inout [String: Any]) -> Void = { _ in }, raw: String? = nil) throws -> (directory: URL, path: String) {
        let pki = IntakePKI.shared
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("intake-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config: [String: Any] = [
            "rpc": ["host": "127.0.0.1", "port": 0, "drainSeconds": 1],
            "metrics": ["port": 0],
            "tls": ["certificate": pki.intake.certificatePath, "key": pki.intake.privateKeyPath, "ca": pki.ca.certificatePath],
            "state": ["directory": directory.appendingPathComponent("state").path],
            "log": ["level": "warning"],
        ]
        change(&config)
        let path = directory.appendingPathComponent("intake.json").path
        if let raw {
            try Data(raw.utf8).write(to: URL(fileURLWithPath: path))
        } else {
            try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
        }
        return (directory, path)
    }

    @Test("a port that is not a number is refused, not replaced by the default")
    func wrongType() async throws {
        let (directory, path) = try Self.configuration { $0["rpc"] = ["port": "seventeen"] }
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in ["serve", "check-config"] {
            guard let outcome = try await Self.intake([command, "--config", path]) else { return }
            #expect(outcome.status != 0, "\(command)")
            #expect(outcome.stderr.contains(path) && outcome.stderr.contains("'rpc.port' must be an integer, not \"seventeen\""), "\(command): \(outcome.stderr)")
        }
    }

    @Test("an environment variable that is not a number is refused too")
    func wrongTypeInTheEnvironment() async throws {
        let (directory, path) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let outcome = try await Self.intake(["serve", "--config", path], environment: ["TOWNSHIP_RPC_DRAIN_SECONDS": "soon"]) else { return }
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("TOWNSHIP_RPC_DRAIN_SECONDS (rpc.drainSeconds) must be an integer, not \"soon\""), "\(outcome.stderr)")
    }

    @Test("a checkpoint key others may read is refused")
    func sharedKeyFile() async throws {
        let (directory, path) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("intake-ledger.key")
        try Data((String(repeating: "ab", count: 32) + "\n").utf8).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        for command in ["check-config", "serve"] {
            guard let outcome = try await Self.intake([command, "--config", path]) else { return }
            #expect(outcome.status != 0, "\(command)")
            #expect(outcome.stderr.contains("ledger.checkpointKeyFile: '\(key.path)' must be readable by this user alone (mode 644"), "\(command): \(outcome.stderr)")
        }
    }

    @Test("a misspelt key is refused by serve")
    func unknownKey() async throws {
        let (directory, path) = try Self.configuration { config in
            var tls = config["tls"] as! [String: Any]
            tls["certficate"] = tls.removeValue(forKey: "certificate")
            config["tls"] = tls
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let outcome = try await Self.intake(["serve", "--config", path]) else { return }
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("unknown key 'tls.certficate'"), "\(outcome.stderr)")
    }

    @Test("a missing certificate file fails check-config and serve, naming key and path")
    func missingFile() async throws {
        let missing = "/nonexistent/intake-\(UUID().uuidString).crt"
        let (directory, path) = try Self.configuration { config in
            var tls = config["tls"] as! [String: Any]
            tls["certificate"] = missing
            config["tls"] = tls
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in ["check-config", "serve"] {
            guard let outcome = try await Self.intake([command, "--config", path]) else { return }
            #expect(outcome.status != 0, "\(command)")
            #expect(outcome.stderr.contains("tls.certificate: '\(missing)' does not exist"), "\(command): \(outcome.stderr)")
        }
    }

    @Test("malformed JSON is reported with the file, the line and what is wrong")
    func malformedJSON() async throws {
        let (directory, path) = try Self.configuration(raw: "{\n  \"rpc\": {\"port\": 7101,}\n}\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let outcome = try await Self.intake(["serve", "--config", path]) else { return }
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("\(path): not valid JSON: line 2, column 24: a comma before '}'"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("3840"))
    }

    @Test("a database that cannot be opened is named by its path")
    func unopenableDatabase() async throws {
        let (directory, path) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A directory where the database file should be: SQLite cannot open it, even as root.
        let database = directory.appendingPathComponent("state/intake.sqlite")
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
        guard let outcome = try await Self.intake(["serve", "--config", path]) else { return }
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("cannot open the database \(database.path)"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("SQLite error 14"), "\(outcome.stderr)")
    }

    @Test("a state directory that cannot be created is named")
    func uncreatableStateDirectory() async throws {
        // Under a regular file: no one, root included, can create it.
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("intake-blocker-\(UUID().uuidString)")
        try Data("x".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let (directory, path) = try Self.configuration { config in
            config["state"] = ["directory": blocker.appendingPathComponent("state").path]
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in ["check-config", "serve"] {
            guard let outcome = try await Self.intake([command, "--config", path]) else { return }
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("state.directory: '\(blocker.path)/state' does not exist and cannot be created ('\(blocker.path)' is a file"),
                    "\(command): \(outcome.stderr)")
        }
    }

    @Test("a port in use is named")
    func portInUse() async throws {
        let live = try await LiveIntake()
        let (directory, path) = try Self.configuration { $0["rpc"] = ["host": "127.0.0.1", "port": live.port, "drainSeconds": 1] }
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try await Self.intake(["serve", "--config", path])
        await live.stop()
        guard let outcome else { return }
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("cannot listen on 127.0.0.1:\(live.port) (rpc.port): the port is already in use"), "\(outcome.stderr)")
    }
}
