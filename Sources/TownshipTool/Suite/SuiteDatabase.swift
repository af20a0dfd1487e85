import ArgumentParser
import Foundation

/// Intake's database in a local suite. A state folder keeps the engine it was first loaded
/// with: moving a township from SQLite to PostgreSQL is `intake migrate` (deploy/OPERATORS.md),
/// never an empty database started in its place.
enum SuiteDatabase: String, ExpressibleByArgument, Sendable {
    case sqlite, postgres

    /// The engine of this run: the one asked for, else the state folder's own, else SQLite for
    /// one replica and PostgreSQL for several. Refuses to switch a loaded state folder.
    static func choose(_ asked: SuiteDatabase?, replicas: Int, layout: SuiteLayout) throws -> SuiteDatabase {
        let fm = FileManager.default
        let onPostgres = fm.fileExists(atPath: layout.postgresDirectory.appendingPathComponent("PG_VERSION").path)
        let loaded = fm.fileExists(atPath: layout.seededMarker.path)
        let chosen = asked ?? (onPostgres || replicas > 1 ? .postgres : .sqlite)
        switch chosen {
        case .sqlite where onPostgres:
            throw UpCommand.Failure(description: "\(layout.state.path) holds a township on PostgreSQL (\(layout.postgresDirectory.path)): run without --database sqlite")
        case .sqlite where replicas > 1:
            throw UpCommand.Failure(description: "--replicas \(replicas) needs PostgreSQL: several intake processes cannot share one SQLite file")
        case .postgres where loaded && !onPostgres:
            throw UpCommand.Failure(description: """
                \(layout.state.path) holds a township on SQLite: move it to PostgreSQL with `intake migrate` (deploy/OPERATORS.md), \
                or start a new one with another --state
                """)
        default:
            return chosen
        }
    }
}
