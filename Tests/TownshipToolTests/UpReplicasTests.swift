import Foundation
import Testing
@testable import township

/// What `township up --replicas N [--database ...]` decides before it starts anything: the
/// engine (kept per state folder), intake's replicas and their ports, and the configuration
/// files that wire them (intake's database, the gateway's and enterprise-liaison's endpoints).
@Suite struct UpReplicasTests {
    /// A state folder in a temporary directory, removed after `body`.
    static func withState(_ body: (SuiteLayout) throws -> Void) throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("township-up-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        try body(SuiteLayout(state: state))
    }

    static func json(_ value: JSONValue) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)) as? [String: Any])
    }

    static func object(_ file: URL) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: file.path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let postgres = IntakeTopology.Postgres(url: "postgres://township@127.0.0.1:7432/intake", passwordFile: "/s/postgres.password")

    @Test func severalReplicasImplyPostgresAndALoadedStateKeepsItsEngine() throws {
        try Self.withState { layout in
            #expect(try SuiteDatabase.choose(nil, replicas: 1, layout: layout) == .sqlite)
            #expect(try SuiteDatabase.choose(nil, replicas: 2, layout: layout) == .postgres)
            #expect(try SuiteDatabase.choose(.postgres, replicas: 1, layout: layout) == .postgres)
            #expect(throws: UpCommand.Failure.self) { try SuiteDatabase.choose(.sqlite, replicas: 2, layout: layout) }

            // Loaded on SQLite: PostgreSQL would start empty beside it, so it is refused.
            _ = FileManager.default.createFile(atPath: layout.seededMarker.path, contents: Data())
            #expect(throws: UpCommand.Failure.self) { try SuiteDatabase.choose(nil, replicas: 2, layout: layout) }
            #expect(throws: UpCommand.Failure.self) { try SuiteDatabase.choose(.postgres, replicas: 1, layout: layout) }

            // A cluster in state/postgres: that is the state's engine from then on.
            try FileManager.default.createDirectory(at: layout.postgresDirectory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: layout.postgresDirectory.appendingPathComponent("PG_VERSION").path, contents: Data("15\n".utf8))
            #expect(try SuiteDatabase.choose(nil, replicas: 1, layout: layout) == .postgres)
            #expect(throws: UpCommand.Failure.self) { try SuiteDatabase.choose(.sqlite, replicas: 1, layout: layout) }
        }
    }

    @Test func replicasShareTheStateAndTheDatabaseAndAreAllWiredIntoTheGateway() throws {
        try Self.withState { layout in
            let topology = IntakeTopology.replicas(3, layout: layout, postgres: Self.postgres)
            #expect(topology.replicas.map(\.name) == ["intake", "intake-2", "intake-3"])
            #expect(topology.replicas[0].rpcPort == 7101 && topology.replicas[0].metricsPort == 9101)
            let ports = topology.replicas.flatMap { [$0.rpcPort, $0.metricsPort] }
            #expect(Set(ports).count == 6, "every replica its own ports: \(ports)")
            #expect(topology.replicas.dropFirst().allSatisfy { $0.rpcPort >= IntakeTopology.firstExtraRPCPort })

            let programs = layout.programs(intake: topology)
            let intakes = programs.filter { $0.executable == "intake" }
            #expect(intakes.map(\.name) == ["intake", "intake-2", "intake-3"])
            for (program, replica) in zip(intakes, topology.replicas) {
                let configuration = try Self.json(program.configuration)
                #expect((configuration["rpc"] as? [String: Any])?["port"] as? Int == replica.rpcPort)
                #expect((configuration["state"] as? [String: Any])?["directory"] as? String == layout.directory(of: "intake").path,
                        "one attachments directory for every replica")
                let database = configuration["database"] as? [String: Any]
                #expect(database?["url"] as? String == Self.postgres.url && database?["passwordFile"] as? String == Self.postgres.passwordFile)
                #expect(program.arguments == ["serve", "--config", layout.configuration(of: replica.name).path])
            }
            let endpoints = topology.replicas.map { "127.0.0.1:\($0.rpcPort)" }
            let gatewayProgram = try #require(programs.last(where: { $0.name == "gateway" }))
            let gateway = try Self.json(gatewayProgram.configuration)
            #expect(((gateway["backends"] as? [String: Any])?["intake"] as? [String: Any])?["endpoints"] as? [String] == endpoints)
            if let liaison = programs.first(where: { $0.name == "enterprise-liaison" }) {
                #expect((try Self.json(liaison.configuration)["intake"] as? [String: Any])?["endpoints"] as? [String] == endpoints)
            }
            // On SQLite (one replica) intake has no database section, as before.
            let singleProgram = try #require(layout.programs().first { $0.name == "intake" })
            let single = try Self.json(singleProgram.configuration)
            #expect(single["database"] == nil)
        }
    }

    @Test func aLaterRunKeepsTheReplicasPortsAndUpdatesOnlyTheKeysItOwns() throws {
        try Self.withState { layout in
            let file = layout.configuration(of: "intake-2")
            try Data(#"{"rpc": {"host": "127.0.0.1", "port": 7150}, "metrics": {"port": 9150}}"#.utf8).write(to: file)
            let topology = IntakeTopology.replicas(2, layout: layout, postgres: nil)
            #expect(topology.replicas[1].rpcPort == 7150 && topology.replicas[1].metricsPort == 9150)

            let gateway = layout.configuration(of: "gateway")
            try Data(#"{"backends": {"intake": {"endpoints": ["127.0.0.1:7101"]}}, "log": {"level": "debug"}}"#.utf8).write(to: gateway)
            let keyPath = ["backends", "intake", "endpoints"]
            #expect(try ConfigurationFile.set(keyPath, to: .array(topology.endpoints), in: gateway))
            let updated = try Self.object(gateway)
            #expect(((updated["backends"] as? [String: Any])?["intake"] as? [String: Any])?["endpoints"] as? [String] == ["127.0.0.1:7101", "127.0.0.1:7150"])
            #expect((updated["log"] as? [String: Any])?["level"] as? String == "debug", "the operator's own keys stay")
            #expect(try !ConfigurationFile.set(keyPath, to: .array(topology.endpoints), in: gateway), "nothing to change the second time")
        }
    }
}
