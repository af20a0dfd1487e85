import Foundation

/// Where the PostgreSQL server programs are. Debian's `postgresql` package keeps them in
/// `/usr/lib/postgresql/<version>/bin`, off PATH; other systems put them on PATH.
enum PostgresBinaries {
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        var searched: [String] = []
        if let configured = environment["TOWNSHIP_POSTGRES_BIN"], !configured.isEmpty {
            let url = URL(fileURLWithPath: configured)
            if holdsServer(url) { return url }
            searched.append("TOWNSHIP_POSTGRES_BIN=\(configured)")
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { name in Int(name).map { (version: $0, name: name) } }
            .sorted { $0.version > $1.version }
        for entry in versions {
            let url = URL(fileURLWithPath: debianRoot).appendingPathComponent(entry.name).appendingPathComponent("bin")
            if holdsServer(url) { return url }
        }
        searched.append("\(debianRoot)/<version>/bin")
        for directory in (environment["PATH"] ?? "").split(separator: ":").map(String.init) where !directory.isEmpty {
            let url = URL(fileURLWithPath: directory)
            if holdsServer(url) { return resolvedBin(url) }
        }
        searched.append("PATH")
        throw LocalPostgresClusterError.binariesNotFound(searched: searched)
    }

    private static func holdsServer(_ directory: URL) -> Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0).path)
        }
    }

    /// A PATH entry of symlinks (e.g. /usr/local/bin/initdb → /usr/lib/postgresql/15/bin/initdb):
    /// the real directory, so `psql` and friends beside `initdb` are found too.
    private static func resolvedBin(_ directory: URL) -> URL {
        let real = directory.appendingPathComponent("initdb").resolvingSymlinksInPath().deletingLastPathComponent()
        return holdsServer(real) ? real : directory
    }
}
