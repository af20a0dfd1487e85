import ArgumentParser
import TownshipServiceKit

@main
struct Intake: AsyncParsableCommand {
    /// The kit's `serve` and `seed`; intake's own `check-config` (it also reaches PostgreSQL)
    /// and `migrate` (SQLite to PostgreSQL).
    static let configuration = CommandConfiguration(
        commandName: IntakeDefinition.catalogueEntry.name, abstract: IntakeDefinition.abstract,
        subcommands: [ServeCommand<IntakeDefinition>.self, SeedCommand<IntakeDefinition>.self, IntakeCheckConfig.self, MigrateCommand.self])
}
