import ArgumentParser
import TownshipServiceKit

@main
struct JobFair: AsyncParsableCommand {
    static let configuration = ServiceCommands<JobFairDefinition>.configuration
}
