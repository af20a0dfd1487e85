import Foundation
import TownshipCatalogue

/// Where `township up` keeps a local suite: one state folder with the certificates, each
/// service's configuration, database and files, so that deleting it starts from scratch.
struct SuiteLayout: Sendable {
    let state: URL

    var certificates: URL { state.appendingPathComponent("certs") }
    var configurations: URL { state.appendingPathComponent("config") }

    func configuration(of program: String) -> URL { configurations.appendingPathComponent("\(program).json") }
    func directory(of program: String) -> URL { state.appendingPathComponent(program) }
    /// Present once the demo data has been loaded, so it is loaded only the first time.
    var seededMarker: URL { state.appendingPathComponent(".seeded") }
    /// The PostgreSQL cluster of a suite on PostgreSQL, and its superuser's password.
    var postgresDirectory: URL { state.appendingPathComponent("postgres") }
    var postgresPasswordFile: URL { state.appendingPathComponent("postgres.password") }

    /// The programs of a local suite with the configuration each is started with: every built
    /// service of the catalogue (its ports; TWP/1 on 71xx, metrics on 91xx; intake once per
    /// replica of `intake`), then the gateway wired to all of them, started last so that its
    /// backends are listening.
    func programs(intake: IntakeTopology = .single(postgres: nil)) -> [SuiteProgram] {
        let services = ServiceCatalogue.built.flatMap { service -> [SuiteProgram] in
            let instances = service.name == "intake"
                ? intake.replicas.map { ($0.name, $0.rpcPort, $0.metricsPort) } : [(service.name, service.rpcPort, service.metricsPort)]
            return instances.map { name, rpcPort, metricsPort in
                program(service, name: name, rpcPort: rpcPort, metricsPort: metricsPort, intake: intake)
            }
        }
        let gateway = ServiceCatalogue.Gateway.self
        let backends = ServiceCatalogue.built.map { service in
            (service.name, JSONValue.object(["endpoints": .array(endpoints(of: service, intake: intake))]))
        }
        return services + [
            SuiteProgram(name: gateway.name, arguments: ["--config", configuration(of: gateway.name).path], configuration: .object([
                "http": .object(["host": "127.0.0.1", "port": .int(gateway.httpPort)]),
                "metrics": .object(["host": "127.0.0.1", "port": .int(gateway.metricsPort)]),
                "tls": tls(gateway.name),
                "backends": .object(Dictionary(uniqueKeysWithValues: backends)),
                "users": .object(["database": .string(directory(of: gateway.name).appendingPathComponent("users.sqlite").path)]),
            ])),
        ]
    }

    /// Where a service is called: every intake replica, or the service's one port.
    func endpoints(of service: CatalogueService, intake: IntakeTopology) -> [String] {
        service.name == "intake" ? intake.endpoints : ["127.0.0.1:\(service.rpcPort)"]
    }

    /// One process of `service`, named `name` (an intake replica is "intake-2", ...). Intake's
    /// replicas share one state directory (its attachments) and, on PostgreSQL, one database.
    private func program(_ service: CatalogueService, name: String, rpcPort: Int, metricsPort: Int, intake: IntakeTopology) -> SuiteProgram {
        var keys: [String: JSONValue] = [
            "rpc": .object(["host": "127.0.0.1", "port": .int(rpcPort)]),
            "metrics": .object(["host": "127.0.0.1", "port": .int(metricsPort)]),
            "tls": tls(service.name),
            "state": .object(["directory": .string(directory(of: service.name).path)]),
        ]
        if service.name == "intake", let postgres = intake.postgres {
            keys["database"] = Self.database(postgres)
        }
        let callers = Self.serviceCalls.filter { $0.callee == service.name && ServiceCatalogue.service(named: $0.caller)?.isBuilt == true }
        if !callers.isEmpty {
            keys["callers"] = .object(["services": .array(callers.map { ServiceCatalogue.serviceIdentity($0.caller) })])
        }
        // The caller finds its callee at `<callee>.endpoints` (enterprise-liaison: `intake.endpoints`).
        for call in Self.serviceCalls where call.caller == service.name {
            guard let callee = ServiceCatalogue.service(named: call.callee), callee.isBuilt else { continue }
            keys[callee.name] = .object(["endpoints": .array(endpoints(of: callee, intake: intake))])
        }
        return SuiteProgram(name: name, executable: service.name, arguments: ["serve", "--config", configuration(of: name).path],
                            configuration: .object(keys), readinessPort: rpcPort)
    }

    /// Intake's `database` section on PostgreSQL.
    static func database(_ postgres: IntakeTopology.Postgres) -> JSONValue {
        .object(["url": .string(postgres.url), "passwordFile": .string(postgres.passwordFile)])
    }

    /// The suite's service-to-service calls made acting as the caller itself (proto-spec §6):
    /// the callee lists the caller in `callers.services`.
    static let serviceCalls: [(caller: String, callee: String)] = [
        // A difficult problem of the list is referred to intake as a ticket (#14).
        ("enterprise-liaison", "intake"),
    ]

    private func tls(_ name: String) -> JSONValue {
        let certs = certificates.path
        return .object(["certificate": .string("\(certs)/service-\(name).crt"), "key": .string("\(certs)/service-\(name).key"), "ca": .string("\(certs)/ca.crt")])
    }
}

struct SuiteProgram: Sendable {
    let name: String
    /// The binary it runs: its name, but "intake" for every intake replica.
    var executable: String
    let arguments: [String]
    let configuration: JSONValue
    /// The port that accepts connections once the program serves; programs started after
    /// it (the gateway) wait for it. nil: nothing waits.
    var readinessPort: Int? = nil

    init(name: String, executable: String? = nil, arguments: [String], configuration: JSONValue, readinessPort: Int? = nil) {
        self.name = name
        self.executable = executable ?? name
        self.arguments = arguments
        self.configuration = configuration
        self.readinessPort = readinessPort
    }
}

/// A configuration file's content, built in code and written as JSON.
enum JSONValue: Encodable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    case array([String])
    case object([String: JSONValue])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
