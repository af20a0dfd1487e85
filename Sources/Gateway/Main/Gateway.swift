import ArgumentParser

/// `gateway [serve] --config FILE`, `gateway check-config --config FILE` and `gateway api-keys`. Serve is the
/// default so units and tools that start `gateway --config FILE` keep working.
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "The Township gateway: HTTP API, cockpit and Open311 in front of the Township services.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, APIKeysCommand.self],
        defaultSubcommand: ServeCommand.self)
}
