import ArgumentParser

@main
struct Intake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "The Township intake service: residents' tickets from report to closure.",
        subcommands: [ServeCommand.self, SeedCommand.self, CheckConfigCommand.self])
}
