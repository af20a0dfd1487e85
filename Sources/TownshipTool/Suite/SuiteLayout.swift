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

    /// The programs of a local suite with the configuration each is started with: every built
    /// service of the catalogue (its ports; TWP/1 on 71xx, metrics on 91xx), then the gateway
    /// wired to all of them, started last so that its backends are listening.
    func programs() -> [SuiteProgram] {
        let services = ServiceCatalogue.built.map { service in
            var keys: [String: JSONValue] = [
                "rpc": .object(["host": "127.0.0.1", "port": .int(service.rpcPort)]),
                "metrics": .object(["host": "127.0.0.1", "port": .int(service.metricsPort)]),
                "tls": tls(service.name),
                "state": .object(["directory": .string(directory(of: service.name).path)]),
            ]
            let callers = Self.serviceCalls.filter { $0.callee == service.name && ServiceCatalogue.service(named: $0.caller)?.isBuilt == true }
            if !callers.isEmpty {
                keys["callers"] = .object(["services": .array(callers.map { ServiceCatalogue.serviceIdentity($0.caller) })])
            }
            // The caller finds its callee at `<callee>.endpoints` (enterprise-liaison: `intake.endpoints`).
            for call in Self.serviceCalls where call.caller == service.name {
                guard let callee = ServiceCatalogue.service(named: call.callee), callee.isBuilt else { continue }
                keys[callee.name] = .object(["endpoints": .array(["127.0.0.1:\(callee.rpcPort)"])])
            }
            return SuiteProgram(name: service.name, arguments: ["serve", "--config", configuration(of: service.name).path],
                                configuration: .object(keys), readinessPort: service.rpcPort)
        }
        let gateway = ServiceCatalogue.Gateway.self
        let backends = ServiceCatalogue.built.map { service in
            (service.name, JSONValue.object(["endpoints": .array(["127.0.0.1:\(service.rpcPort)"])]))
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
    let arguments: [String]
    let configuration: JSONValue
    /// The port that accepts connections once the program serves; programs started after
    /// it (the gateway) wait for it. nil: nothing waits.
    var readinessPort: Int? = nil
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
