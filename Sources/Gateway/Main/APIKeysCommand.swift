import ArgumentParser
import Foundation
import GatewayCore

/// `gateway api-keys issue|list|revoke --config FILE`: the Open311 API keys of client
/// applications, in the file `open311.apiKeysDatabase` names (beside the users database by
/// default). A running gateway sees a change at its next request: it looks every key up.
struct APIKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-keys", abstract: "Issue, list and revoke Open311 API keys of client applications.",
        subcommands: [Issue.self, List.self, Revoke.self])

    struct Location: ParsableArguments {
        @Option(help: "The gateway's JSON configuration file (its open311.apiKeysDatabase or users.database says where the keys are).")
        var config: String?

        func store() async throws -> Open311APIKeyStore {
            let settings = try await GatewayEnvironment.settings(configFile: config).settings
            return try Open311APIKeyStore(path: settings.open311.apiKeysPath(usersDatabasePath: settings.usersDatabasePath))
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a key for a client application; the key is shown only now.")
        @OptionGroup var location: Location
        @Argument(help: "The application's name, as the administrator will recognise it (1 to 100 characters).")
        var application: String

        func run() async throws {
            let issued = try await location.store().issue(application: application)
            print("id: \(issued.record.id)\napplication: \(issued.record.application)\napi_key: \(issued.key)")
            print("(the key is not stored and will not be shown again; revoke with: gateway api-keys revoke \(issued.record.id))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never the keys themselves).")
        @OptionGroup var location: Location

        func run() async throws {
            for record in try await location.store().list() {
                let state = record.revokedAt.map { "revoked \($0.formatted(Date.ISO8601FormatStyle()))" } ?? "live"
                print("\(record.id)\t\(record.issuedAt.formatted(Date.ISO8601FormatStyle()))\t\(state)\t\(record.application)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; the gateway refuses it from the next request on.")
        @OptionGroup var location: Location
        @Argument(help: "The key's id, as issue and list show it.")
        var id: String

        func run() async throws {
            guard try await location.store().revoke(id: id) else {
                FileHandle.standardError.write(Data("no API key with id \(id)\n".utf8))
                throw ExitCode.failure
            }
            print("revoked \(id)")
        }
    }
}
