import ArgumentParser
import TownshipServiceKit

@main
struct EnterpriseLiaison: AsyncParsableCommand {
    static let configuration = ServiceCommands<LiaisonDefinition>.configuration
}
