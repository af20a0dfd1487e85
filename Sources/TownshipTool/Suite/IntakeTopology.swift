import Foundation
import TownshipCatalogue

/// How `township up` runs intake: its replicas, each with its own ports, and the database they
/// share (nil: SQLite in intake's state directory, one replica).
struct IntakeTopology: Sendable {
    struct Replica: Sendable {
        /// "intake" for the first (the catalogue's ports, so `township call intake` reaches it),
        /// "intake-2", "intake-3", ... for the others: the name of its configuration file and of
        /// its lines in the output.
        let name: String
        let rpcPort: Int
        let metricsPort: Int
    }

    struct Postgres: Sendable {
        /// `postgres://township@127.0.0.1:<port>/intake`, no password in it.
        let url: String
        let passwordFile: String
    }

    let replicas: [Replica]
    let postgres: Postgres?

    /// The most replicas `up` starts (each is a process with its own connections).
    static let maxReplicas = 16
    /// Where the ports of replicas 2, 3, ... are looked for: the first free ones from here up.
    static let firstExtraRPCPort = 7111
    static let firstExtraMetricsPort = 9111

    /// One replica on the catalogue's ports.
    static func single(postgres: Postgres?) -> IntakeTopology {
        let intake = ServiceCatalogue.service(named: "intake")!
        return IntakeTopology(replicas: [Replica(name: "intake", rpcPort: intake.rpcPort, metricsPort: intake.metricsPort)], postgres: postgres)
    }

    /// `count` replicas: the first on the catalogue's ports, each other on the ports its
    /// configuration file already names (a later run keeps them), else on the next free ones.
    static func replicas(_ count: Int, layout: SuiteLayout, postgres: Postgres?) -> IntakeTopology {
        var replicas = single(postgres: postgres).replicas
        var taken = Set(ServiceCatalogue.built.flatMap { [$0.rpcPort, $0.metricsPort] } + [ServiceCatalogue.Gateway.httpPort, ServiceCatalogue.Gateway.metricsPort])
        var nextRPC = firstExtraRPCPort
        var nextMetrics = firstExtraMetricsPort
        for number in stride(from: 2, through: count, by: 1) {
            let name = "intake-\(number)"
            let written = ConfigurationFile.ports(in: layout.configuration(of: name))
            let rpc = written?.rpc ?? freePort(from: &nextRPC, taken: taken)
            let metrics = written?.metrics ?? freePort(from: &nextMetrics, taken: taken)
            taken.formUnion([rpc, metrics])
            replicas.append(Replica(name: name, rpcPort: rpc, metricsPort: metrics))
        }
        return IntakeTopology(replicas: replicas, postgres: postgres)
    }

    /// `host:port` of every replica, as the gateway and enterprise-liaison list them.
    var endpoints: [String] { replicas.map { "127.0.0.1:\($0.rpcPort)" } }

    private static func freePort(from next: inout Int, taken: Set<Int>) -> Int {
        while taken.contains(next) || PortReadiness.accepts(port: next) { next += 1 }
        defer { next += 1 }
        return next
    }
}
