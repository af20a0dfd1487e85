import ArgumentParser

/// `<service> seed`: the service's demo data into its state directory, refused when the store
/// already holds data unless `--force`.
public struct SeedCommand<Definition: TownshipServiceDefinition>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "seed", abstract: "Load the demo data into state.directory.")
    }

    @Option(help: "JSON configuration file.")
    var config: String?

    @OptionGroup var options: Definition.SeedOptions

    @Flag(help: "Print progress while loading.")
    var progress = false

    @Flag(help: "Seed even if the database already holds data (adds to it).")
    var force = false

    public init() {}

    public func run() async throws {
        let environment = try await ServiceEnvironment<Definition>.load(configFile: config)
        if !force, let existing = try await Definition.hasData(environment) {
            throw ValidationError("\(environment.settings.stateDirectory) already holds \(existing); refusing to seed twice (use --force)")
        }
        print(try await Definition.seed(environment, options: options, progress: progress))
    }
}
