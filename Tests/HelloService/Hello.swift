import ArgumentParser
import TownshipServiceKit

/// The smallest service on the kit, for the tests that prove the kit's shape (`HelloKitTests`):
/// it serves one method over mutual TLS, seeds, checks its configuration and is reached
/// through the gateway. Not part of the suite: it is not in the catalogue.
@main
struct Hello: AsyncParsableCommand {
    static let configuration = ServiceCommands<HelloDefinition>.configuration
}
