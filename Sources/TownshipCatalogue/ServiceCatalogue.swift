/// The suite's programs in one place: every list of names, ports and identities (intake's
/// defaults, the gateway's backends, `township up`/`certs`/`call`, the example configurations,
/// the systemd unit) reads this table, so adding a service is one entry here.
///
/// This target depends on nothing, so that every other target (and the tests that compare it
/// with the protos, the units and `deploy/`) can read it.
public struct CatalogueService: Sendable, Hashable {
    /// Whether the service's executable exists yet. A planned service keeps its name, ports and
    /// identity reserved (certificates are issued for it, the example gateway configuration
    /// lists it commented out), but nothing tries to start, wire or call it.
    public enum Status: String, Sendable, Hashable {
        case built
        case planned
    }

    /// The service name: the executable, the SPIFFE name, the configuration file's stem.
    public let name: String
    /// TWP/1 port by convention (`rpc.port`'s default).
    public let rpcPort: Int
    /// Prometheus `/metrics` port by convention (`metrics.port`'s default).
    public let metricsPort: Int
    /// The proto service it serves, e.g. `township.intake.v1.Intake`.
    public let protoService: String
    /// Its SQLite file inside `state.directory`.
    public let databaseFile: String
    public let status: Status

    public init(name: String, rpcPort: Int, metricsPort: Int, protoService: String, databaseFile: String, status: Status) {
        self.name = name
        self.rpcPort = rpcPort
        self.metricsPort = metricsPort
        self.protoService = protoService
        self.databaseFile = databaseFile
        self.status = status
    }

    /// `spiffe://township.local/service/<name>`: what its certificate carries and clients expect.
    public var identity: String { ServiceCatalogue.serviceIdentity(name) }
    public var isBuilt: Bool { status == .built }
}

public enum ServiceCatalogue {
    public static let trustDomain = "township.local"

    /// The TWP/1 services. Ports: 71xx for TWP/1, 91xx for metrics, in the order they were planned.
    /// The three planned services are listed so that their ports and identities are fixed once
    /// (the gateway example and the certificates already name them); `township up` and the
    /// gateway's defaults take only the built ones.
    public static let services: [CatalogueService] = [
        CatalogueService(name: "intake", rpcPort: 7101, metricsPort: 9101,
                         protoService: "township.intake.v1.Intake", databaseFile: "intake.sqlite", status: .built),
        CatalogueService(name: "canteen-meals", rpcPort: 7102, metricsPort: 9102,
                         protoService: "township.canteen.v1.CanteenMeals", databaseFile: "canteen-meals.sqlite", status: .built),
        CatalogueService(name: "job-fair", rpcPort: 7103, metricsPort: 9103,
                         protoService: "township.jobfair.v1.JobFair", databaseFile: "job-fair.sqlite", status: .built),
        CatalogueService(name: "enterprise-liaison", rpcPort: 7104, metricsPort: 9104,
                         protoService: "township.liaison.v1.EnterpriseLiaison", databaseFile: "enterprise-liaison.sqlite", status: .built),
    ]

    /// The services that have an executable: what `township up` starts and the gateway wires.
    public static var built: [CatalogueService] { services.filter(\.isBuilt) }

    public static func service(named name: String) -> CatalogueService? { services.first { $0.name == name } }

    /// The gateway: HTTP for people, a TWP/1 client of every service (the only principal forwarder).
    public enum Gateway {
        public static let name = "gateway"
        public static let httpPort = 8080
        public static let metricsPort = 9100
        public static var identity: String { serviceIdentity(name) }
    }

    /// The admin tool's identity name (`spiffe://township.local/admin/township`).
    public static let adminName = "township"
    /// Every admin tool (`callers.allowed` pattern).
    public static var anyAdmin: String { "spiffe://\(trustDomain)/admin/*" }

    /// Who may call a service by default (`callers.allowed`): the gateway and the admin tools.
    public static var defaultAllowedCallers: [String] { [Gateway.identity, anyAdmin] }

    /// Every service identity `township certs` issues: the services (planned ones too, so a
    /// new service finds its certificate) and the gateway.
    public static var certificateNames: [String] { services.map(\.name) + [Gateway.name] }

    public static func serviceIdentity(_ name: String) -> String { "spiffe://\(trustDomain)/service/\(name)" }
}
