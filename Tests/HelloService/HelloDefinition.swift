import Configuration
import GRDB
import Logging
import SwiftProtobuf
import TownshipCatalogue
import TownshipProtos
import TownshipRPC
import TownshipServiceKit
import TownshipServiceRuntime

/// Greets whoever the gateway forwards and counts their visits in its own SQLite database.
struct HelloDefinition: TownshipServiceDefinition {
    static let catalogueEntry = CatalogueService(
        name: "hello", rpcPort: 7199, metricsPort: 9199, protoService: "township.hello.v1.Hello",
        databaseFile: "hello.sqlite", status: .built)
    static let abstract = "A skeleton service on the service kit: greets the forwarded user."
    static let ownKeys: [String: ConfigurationValueKind] = ["hello.greeting": .string]

    /// Changes state (a visit is counted), so not safe to retry.
    static let greet = MethodDescriptor<Google_Protobuf_StringValue, Google_Protobuf_StringValue>(
        service: "township.hello.v1.Hello", name: "Greet", kind: .unary)

    struct OwnSettings: Sendable {
        var greeting: String
    }

    static func ownSettings(config: ConfigReader, files: ServiceFiles) throws -> OwnSettings {
        let greeting = config.string(forKey: "hello.greeting", default: "你好")
        guard (1...32).contains(greeting.count) else {
            throw ServiceSettings.Invalid(description: "hello.greeting must be 1–32 characters")
        }
        return OwnSettings(greeting: greeting)
    }

    static func openDatabase(_ environment: ServiceEnvironment<Self>) throws -> DatabaseQueue {
        let path = try environment.databasePath()
        do {
            let database = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.create(table: "visitor") { t in
                    t.primaryKey("name", .text)
                    t.column("visits", .integer).notNull()
                }
            }
            try migrator.migrate(database)
            return database
        } catch {
            throw environment.storeUnavailable(path: path, reason: "\(error)")
        }
    }

    static func makeServer(_ environment: ServiceEnvironment<Self>, logger: Logger) async throws -> ServedService {
        let database = try openDatabase(environment)
        let gate = CallGate(serviceName: catalogueEntry.name, policy: environment.settings.callerPolicy)
        let greeting = environment.own.greeting
        var router = RPCRouter()
        router.unary(greet.path, Google_Protobuf_StringValue.self, Google_Protobuf_StringValue.self) { request, context in
            try await gate.run(context) { principal in
                let name = request.value.isEmpty ? principal.userID : request.value
                guard name.count <= 64 else { throw ServiceError.invalidArgument(field: "value", "at most 64 characters") }
                let visits = try await database.write { db in
                    try db.execute(sql: "INSERT INTO visitor (name, visits) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET visits = visits + 1",
                                   arguments: [name])
                    return try Int.fetchOne(db, sql: "SELECT visits FROM visitor WHERE name = ?", arguments: [name]) ?? 0
                }
                return Google_Protobuf_StringValue("\(greeting), \(name) (\(principal.role.rawValue), visit \(visits))")
            }
        }
        return ServedService(router: router)
    }

    static func hasData(_ environment: ServiceEnvironment<Self>) async throws -> String? {
        let count = try await openDatabase(environment).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM visitor") ?? 0 }
        return count > 0 ? "\(count) visitors" : nil
    }

    static func seed(_ environment: ServiceEnvironment<Self>, options: NoSeedOptions, progress: Bool) async throws -> String {
        let names = ["王芳", "李强", "张伟"]
        try await openDatabase(environment).write { db in
            for name in names {
                try db.execute(sql: "INSERT INTO visitor (name, visits) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET visits = visits + 1",
                               arguments: [name])
            }
        }
        return "seeded \(names.count) visitors into \(environment.settings.stateDirectory)"
    }
}
