import ArgumentParser
import TownshipServiceKit

@main
struct Intake: AsyncParsableCommand {
    static let configuration = ServiceCommands<IntakeDefinition>.configuration
}
