import ArgumentParser

/// The executable of a service: `serve`, `seed` and `check-config`. A service's `main` is
///
///     @main struct Hello: AsyncParsableCommand {
///         static let configuration = ServiceCommands<HelloService>.configuration
///     }
public enum ServiceCommands<Definition: TownshipServiceDefinition> {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Definition.catalogueEntry.name, abstract: Definition.abstract,
            subcommands: [ServeCommand<Definition>.self, SeedCommand<Definition>.self, CheckConfigCommand<Definition>.self])
    }
}
