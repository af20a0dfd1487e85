import Foundation
import JobFairCore
import Testing

/// The seeker-optimal stable matching is unique, so on the same rankings our matcher must
/// agree pair for pair with the `matching` package's HospitalResident (resident-optimal),
/// an independent implementation. Install it with `pip install -r Tests/python/requirements.txt`.
@Suite struct PythonCrossCheckTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("python/jobfair/hr_crosscheck.py")

    /// Whether `python3 -c "import matching"` succeeds; the test is skipped (with this
    /// reason shown) only when it does not.
    static let pythonMatchingAvailable: Bool = {
        (try? run(["python3", "-c", "import matching"]).status) == 0
    }()

    @Test(.enabled(if: pythonMatchingAvailable, "python3 cannot import the `matching` package: pip install -r Tests/python/requirements.txt"))
    func equalsHospitalResidentOnRandomInstances() throws {
        // A spread: ties in fit scores, employer rankings (some empty), headcounts 1–4,
        // empty lists; plus one demo-scale fair.
        var instances = (0..<300).map { RandomInstances.make(seed: UInt64(1000 + $0)) }
        // The textbook case where the two optima differ (each side's first choices cross).
        instances.append(Fixtures.instance(
            positions: [Fixtures.position(10), Fixtures.position(11)],
            seekers: [Fixtures.seeker(1, choices: [10, 11]), Fixtures.seeker(2, choices: [11, 10])],
            rankings: [EmployerRanking(positionID: 10, seekerIDs: [2, 1]), EmployerRanking(positionID: 11, seekerIDs: [1, 2])]))
        var demo = DemoFairGenerator(seed: 5)
        demo.seekerCount = 1200
        instances.append(demo.generate())
        let rounds = try instances.map { try FairMatcher.run($0) }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jobfair-crosscheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("instances.json")
        try JSONEncoder().encode(["instances": rounds.map { PlainInstance($0.ranked) }]).write(to: input)

        let output = try Self.run(["python3", Self.script.path, input.path])
        try #require(output.status == 0, "hr_crosscheck.py failed: \(output.standardError)")
        let answers = try JSONDecoder().decode([String: [[String: Int]]].self, from: output.standardOutput)
        let residentOptimal = try #require(answers["resident"])
        let hospitalOptimal = try #require(answers["hospital"])
        try #require(residentOptimal.count == rounds.count)

        var differsFromHospitalOptimal = 0
        var matchedPairs = 0
        for (index, round) in rounds.enumerated() {
            let theirs = Dictionary(uniqueKeysWithValues: residentOptimal[index].map { (Int($0.key)!, $0.value) })
            #expect(round.assignments == theirs, "instance \(index) differs from HospitalResident")
            let hospitals = Dictionary(uniqueKeysWithValues: hospitalOptimal[index].map { (Int($0.key)!, $0.value) })
            if hospitals != round.assignments { differsFromHospitalOptimal += 1 }
            matchedPairs += theirs.count
        }
        // The spread must be able to tell a seeker-optimal matcher from a position-optimal one,
        // or agreeing with the package would prove little.
        #expect(differsFromHospitalOptimal >= 3, "only \(differsFromHospitalOptimal) instances distinguish the two optima")
        #expect(matchedPairs > 1000)
    }

    struct ProcessOutput {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    /// Runs a command with its output in files, not pipes, so no pipe can fill and stall it.
    static func run(_ arguments: [String]) throws -> ProcessOutput {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jobfair-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outputURL = folder.appendingPathComponent("stdout")
        let errorURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        let errors = try FileHandle(forWritingTo: errorURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try output.close()
        try errors.close()
        return ProcessOutput(status: process.terminationStatus,
                             standardOutput: try Data(contentsOf: outputURL),
                             standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }
}
