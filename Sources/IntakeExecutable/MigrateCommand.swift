import ArgumentParser
import Foundation
import IntakeCore
import IntakePostgresStore
import Logging

/// `intake migrate --from intake.sqlite --to postgres://user@host:port/db`: copies a stopped
/// intake's SQLite database into PostgreSQL and verifies every chain there (see
/// `SQLiteToPostgres`). Re-run it after an interruption: it resumes and never duplicates.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Copy intake's SQLite database into PostgreSQL.")

    @Option(help: "The intake SQLite file (stop the service first).")
    var from: String

    @Option(help: "postgres://user@host:port/database[?sslmode=require|verify-full] (no password in it).")
    var to: String

    @Option(help: "A file whose first line is the password (default: TOWNSHIP_DATABASE_PASSWORD).")
    var passwordFile: String?

    @Option(help: "Stop after copying this many ledger events (copy a large ledger in slices).")
    var eventLimit: Int?

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: from) else { throw ValidationError("--from '\(from)' cannot be read") }
        if let eventLimit, eventLimit < 1 { throw ValidationError("--event-limit must be at least 1") }
    }

    func run() async throws {
        let url: PostgresDatabaseURL
        do { url = try PostgresDatabaseURL(parsing: to) } catch { throw ValidationError("--to: \(error)") }
        let password = try passwordFile.map { String(try String(contentsOfFile: $0, encoding: .utf8).split(whereSeparator: \.isNewline).first ?? "") }
            ?? ProcessInfo.processInfo.environment["TOWNSHIP_DATABASE_PASSWORD"]
        var logger = Logger(label: "intake.migrate")
        logger.logLevel = .warning
        let target = try await PostgresTicketStore.open(url: url, password: password, logger: logger)
        defer { target.close() }
        print("migrating \(from) to \(url)")
        let report = try await SQLiteToPostgres.run(from: from, to: target, eventLimit: eventLimit) { line in print(line) }
        guard report.complete else {
            print("interrupted after \(report.events) events (--event-limit): run migrate again to continue")
            throw ExitCode(3)
        }
        guard case .intact = report.verification else {
            print("verification failed: \(String(describing: report.verification))")
            throw ExitCode(1)
        }
        print("done: \(report.tickets) tickets and \(report.events) events copied in this run; every chain verified")
    }
}
