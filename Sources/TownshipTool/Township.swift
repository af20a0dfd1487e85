import ArgumentParser

@main
struct Township: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "township",
        abstract: "Run, seed and talk to the Township suite.",
        subcommands: [UpCommand.self, SeedCommand.self, CertsCommand.self, CallCommand.self])
}
