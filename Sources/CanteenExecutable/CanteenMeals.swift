import ArgumentParser
import TownshipServiceKit

@main
struct CanteenMeals: AsyncParsableCommand {
    static let configuration = ServiceCommands<CanteenDefinition>.configuration
}
