import Foundation

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

    /// The programs of a local suite with the configuration each is started with. Ports:
    /// services speak TWP/1 on 71xx and serve metrics on 91xx; the gateway serves HTTP.
    func programs() -> [SuiteProgram] {
        let certs = certificates.path
        return [
            SuiteProgram(name: "intake", arguments: ["serve", "--config", configuration(of: "intake").path], configuration: .object([
                "rpc": .object(["host": "127.0.0.1", "port": 7101]),
                "metrics": .object(["host": "127.0.0.1", "port": 9101]),
                "tls": .object(["certificate": .string("\(certs)/service-intake.crt"), "key": .string("\(certs)/service-intake.key"), "ca": .string("\(certs)/ca.crt")]),
                "state": .object(["directory": .string(directory(of: "intake").path)]),
            ])),
            SuiteProgram(name: "gateway", arguments: ["--config", configuration(of: "gateway").path], configuration: .object([
                "http": .object(["host": "127.0.0.1", "port": 8080]),
                "metrics": .object(["host": "127.0.0.1", "port": 9100]),
                "tls": .object(["certificate": .string("\(certs)/service-gateway.crt"), "key": .string("\(certs)/service-gateway.key"), "ca": .string("\(certs)/ca.crt")]),
                "backends": .object(["intake": .object(["endpoints": .array(["127.0.0.1:7101"])])]),
                "users": .object(["database": .string(directory(of: "gateway").appendingPathComponent("users.sqlite").path)]),
            ])),
        ]
    }
}

struct SuiteProgram: Sendable {
    let name: String
    let arguments: [String]
    let configuration: JSONValue
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
