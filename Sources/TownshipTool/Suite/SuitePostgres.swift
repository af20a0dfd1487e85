import Foundation
import TownshipCertificates
import TownshipPostgresCluster

/// The local PostgreSQL cluster of a `township up` on PostgreSQL: in `state/postgres`, created
/// on the first run with a generated superuser password kept in `state/postgres.password`
/// (0600, never printed), started before intake and stopped after it.
struct SuitePostgres: Sendable {
    static let database = "intake"
    static let defaultPort = 7432

    let cluster: LocalPostgresCluster
    let passwordFile: URL

    init(layout: SuiteLayout, port: Int) {
        cluster = LocalPostgresCluster(directory: layout.postgresDirectory, port: port)
        passwordFile = layout.postgresPasswordFile
    }

    /// What intake's configuration names: the URL (no password) and the password's file.
    var connection: IntakeTopology.Postgres {
        IntakeTopology.Postgres(url: cluster.url(database: Self.database), passwordFile: passwordFile.path)
    }

    /// Creates the cluster on the first run, starts it, and makes sure the database exists.
    func start() throws {
        if !cluster.exists {
            print("creating a PostgreSQL cluster in \(cluster.directory.path) (first run only)…")
            // 64 hex digits in a 0600 file created with O_EXCL, as the suite's other secrets.
            _ = try SecretKeyFile.loadOrCreate(path: passwordFile.path, setting: "database.passwordFile")
            try cluster.create(password: try password())
        }
        print("starting PostgreSQL on 127.0.0.1:\(cluster.port)…")
        try cluster.start()
        try cluster.createDatabase(Self.database)
    }

    /// `pg_ctl stop -m fast`; a failure is reported, not thrown (everything else has stopped).
    func stop() {
        do {
            print("stopping PostgreSQL")
            try cluster.stop()
        } catch {
            FileHandle.standardError.write(Data("PostgreSQL did not stop cleanly: \(error)\n".utf8))
        }
    }

    private func password() throws -> String {
        guard let data = FileManager.default.contents(atPath: passwordFile.path) else {
            throw UpCommand.Failure(description: "cannot read \(passwordFile.path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
