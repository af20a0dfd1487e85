import ArgumentParser
import Foundation

/// `township seed`: the demo data on its own, through each service's own `seed` command
/// (which owns its database), with a progress bar.
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Load the demo data into a local suite's databases.")

    @Option(help: "The state folder of the local suite.")
    var state = "state"

    @Option(help: "How many tickets (the demo default is about 10,000; 1000000 for benchmarks).")
    var tickets: Int?

    @Flag(help: "Load even if the data was loaded before.")
    var force = false

    func run() throws {
        let layout = SuiteLayout(state: URL(fileURLWithPath: state).standardizedFileURL)
        let configuration = layout.configuration(of: "intake")
        guard FileManager.default.fileExists(atPath: configuration.path) else {
            throw UpCommand.Failure(description: "no \(configuration.path): run `township up` once first")
        }
        let binaries = URL(fileURLWithPath: try runTool("swift", ["build", "--show-bin-path"], capture: true).trimmingCharacters(in: .whitespacesAndNewlines))
        var arguments = ["seed", "--config", configuration.path, "--progress"]
        if let tickets { arguments += ["--tickets", String(tickets)] }
        if force { arguments.append("--force") }
        try runTool(binaries.appendingPathComponent("intake").path, arguments)
        _ = FileManager.default.createFile(atPath: layout.seededMarker.path, contents: Data())
    }
}
