import Foundation
import Testing

/// The two Open311 client libraries on PyPI, unmodified, against the built intake (seeded with
/// 500 tickets) and gateway as separate processes: `georeport` 0.3.1 (Python 3) in JSON and
/// XML, `open311` 1.1 (Python 2) in XML and JSON. The Python scripts under
/// Tests/python/open311 call every function of each library and check the answers against
/// GeoReport v2; they start nothing themselves.
@Suite(.serialized) struct Open311ClientLibrariesTests {
    static let scripts = SuiteProcesses.repository.appendingPathComponent("Tests/python/open311")
    static let jurisdiction = "township.local"

    static let georeportAvailable = (try? PythonRun.run(["python3", "-c", "import georeport"]).status) == 0

    @Test(.enabled(if: georeportAvailable, "python3 cannot import georeport: pip install -r Tests/python/open311/requirements.txt"))
    func georeport031WorksUnmodified() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        _ = try await suite.startAll(tickets: 500)
        let run = try PythonRun.run(["python3", Self.scripts.appendingPathComponent("georeport_clients.py").path, Self.base(suite), Self.jurisdiction])
        #expect(run.status == 0, "\(run.output)")
        let seen = try #require(Self.lastJSONLine(run.output), "\(run.output)")
        print("georeport 0.3.1 saw: \(run.output.split(separator: "\n").last ?? "")")
        let requests = try #require(seen["requests"] as? Int)
        #expect((1...1000).contains(requests))
        #expect((seen["open"] as? Int ?? -1) + (seen["closed"] as? Int ?? -1) == requests)
    }

    @Test(.enabled(if: Python2.withOpen311 != nil, "no Python 2.7 with open311 1.1: install one and pip install -r Tests/python/open311/requirements-python2.txt"))
    func pythonOpen311_11WorksUnmodified() async throws {
        let python2 = try #require(Python2.withOpen311)
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        _ = try await suite.startAll(tickets: 500)
        let key = try Self.issueKey(suite, application: "python-open311 1.1 test")
        let run = try PythonRun.run(python2 + [Self.scripts.appendingPathComponent("open311_clients.py").path, Self.base(suite), Self.jurisdiction, key])
        #expect(run.status == 0, "\(run.output)")
        let seen = try #require(Self.lastJSONLine(run.output), "\(run.output)")
        print("python-open311 1.1 saw: \(run.output.split(separator: "\n").last ?? "")")
        #expect((seen["requests"] as? Int).map { (1...1000).contains($0) } == true)
        #expect((seen["posted"] as? String)?.isEmpty == false)
    }

    /// python-open311 1.1's requests as its source builds them, sent from Python 3: what is
    /// checked where no Python 2.7 can run the library itself (and checked here too).
    @Test func pythonOpen311_11RequestShapesFromPython3() async throws {
        let suite = try SuiteProcesses()
        defer { suite.stopAll() }
        _ = try await suite.startAll(tickets: 500)
        let key = try Self.issueKey(suite, application: "python-open311 1.1 shapes")
        let run = try PythonRun.run(["python3", Self.scripts.appendingPathComponent("open311_shapes.py").path, Self.base(suite), Self.jurisdiction, key])
        #expect(run.status == 0, "\(run.output)")
        let seen = try #require(Self.lastJSONLine(run.output), "\(run.output)")
        #expect((seen["requests"] as? Int).map { (1...1000).contains($0) } == true)
    }

    static func base(_ suite: SuiteProcesses) -> String {
        "http://127.0.0.1:\(suite.gatewayPort)/open311/v2"
    }

    /// `gateway api-keys issue` against the suite's configuration, as an administrator would.
    static func issueKey(_ suite: SuiteProcesses, application: String) throws -> String {
        let gateway = try SuiteProcesses.binary("gateway")
        let run = try PythonRun.run([gateway.path, "api-keys", "issue", "--config", suite.state.appendingPathComponent("gateway.json").path, application])
        guard run.status == 0, let line = run.output.split(separator: "\n").first(where: { $0.hasPrefix("api_key: ") }) else {
            throw SuiteProcesses.Missing(description: "gateway api-keys issue: \(run.output)")
        }
        return String(line.dropFirst("api_key: ".count))
    }

    static func lastJSONLine(_ output: String) -> [String: Any]? {
        output.split(separator: "\n").reversed().lazy.compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.first
    }
}

/// Runs a program (found on PATH) to its end, with stdout and stderr together.
enum PythonRun {
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // The suite is on loopback: never through a proxy.
        environment["NO_PROXY"] = "127.0.0.1,localhost"
        environment["no_proxy"] = "127.0.0.1,localhost"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A Python 2.7 that imports `open311` (python-open311 1.1 runs on nothing newer): python2.7 or
/// python2 on PATH, else pyenv's first 2.7 (PYENV_VERSION set for the call). Nil when none.
enum Python2 {
    static let withOpen311: [String]? = {
        var candidates: [[String]] = [["python2.7"], ["python2"]]
        if let versions = try? PythonRun.run(["pyenv", "versions", "--bare"]), versions.status == 0,
            let version = versions.output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.hasPrefix("2.7") })
        {
            candidates.append(["PYENV_VERSION=\(version)", "python2.7"])
        }
        return candidates.first { candidate in
            (try? PythonRun.run(candidate + ["-c", "import open311"]).status) == 0
        }
    }()
}
