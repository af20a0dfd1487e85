import Foundation
import Testing

/// Run state and secrets never enter git: `state/` was once committed whole (a CA key, every
/// service key, databases with password hashes), so this reads what git tracks, by name and by
/// content, and fails on any private key, database or file under a state folder.
@Suite struct RepositoryHygieneTests {
    @Test func noTrackedFileIsASecretOrRunState() throws {
        let offenders = try Self.trackedFiles().compactMap { path -> String? in
            Self.reasonToRefuse(path: path, contents: Self.head(of: path)).map { "\(path): \($0)" }
        }
        #expect(offenders.isEmpty, "tracked files that must not be in git:\n\(offenders.joined(separator: "\n"))")
    }

    /// The rule itself, on names and contents that must and must not pass.
    @Test func theRuleRefusesKeysDatabasesAndState() {
        #expect(Self.reasonToRefuse(path: "state/config/intake.json", contents: Data("{}".utf8)) != nil)
        #expect(Self.reasonToRefuse(path: "deploy/state/x.txt", contents: Data()) != nil)
        #expect(Self.reasonToRefuse(path: "certs/a.key", contents: Data()) != nil)
        #expect(Self.reasonToRefuse(path: "notes.txt", contents: Data("-----BEGIN EC PRIVATE KEY-----\n\(String(repeating: "MHcCAQEEIB", count: 6))\n-----END EC PRIVATE KEY-----\n".utf8)) != nil)
        #expect(Self.reasonToRefuse(path: "Tests/X.swift", contents: Data(#"hasPrefix("-----BEGIN PRIVATE KEY-----")"#.utf8)) == nil)
        #expect(Self.reasonToRefuse(path: "data.bin", contents: Data("SQLite format 3\u{0}".utf8)) != nil)
        #expect(Self.reasonToRefuse(path: "users.sqlite", contents: Data()) != nil)
        #expect(Self.reasonToRefuse(path: "Sources/TownshipTLS/TLSContext.swift", contents: Data("PRIVATE KEY".utf8)) == nil)
        #expect(Self.reasonToRefuse(path: "docs/cockpit.png", contents: Data([0x89, 0x50, 0x4E, 0x47])) == nil)
    }

    /// A whole PEM block, not merely its header (code and tests name the header in strings).
    nonisolated(unsafe) static let pemPrivateKey = #/-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]{40,}-----END/#

    static func reasonToRefuse(path: String, contents: Data) -> String? {
        let components = path.split(separator: "/").map(String.init)
        if components.dropLast().contains(where: { $0 == "state" || $0 == ".state" }) {
            return "under a state folder (run state belongs to the machine that made it)"
        }
        let name = components.last ?? path
        let fileExtension = name.split(separator: ".").last.map { String($0).lowercased() } ?? ""
        if ["key", "p12", "pfx"].contains(fileExtension) { return "a private key file" }
        if ["sqlite", "sqlite3", "db", "sqlite-wal", "sqlite-shm"].contains(fileExtension) { return "a database file" }
        if contents.starts(with: Data("SQLite format 3\u{0}".utf8)) { return "an SQLite database" }
        let text = String(decoding: contents, as: UTF8.self)
        if text.contains(pemPrivateKey) { return "a PEM private key" }
        return nil
    }

    private static func trackedFiles() throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", SuiteProcesses.repository.path, "ls-files", "-z"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git ls-files failed")
        let files = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        try #require(files.count > 100, "git lists the repository's files")
        return files
    }

    /// The first 64 KiB: enough for a PEM header or SQLite's magic.
    private static func head(of path: String) -> Data {
        guard let handle = FileHandle(forReadingAtPath: SuiteProcesses.repository.appendingPathComponent(path).path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 65_536)) ?? Data()
    }
}
