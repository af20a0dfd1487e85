import TownshipCatalogue
import TownshipProtos

/// A built service of the catalogue with its generated method table: what `township call` needs.
struct KnownService: Sendable {
    let entry: CatalogueService
    let methods: [MethodDescriptorInfo]

    var name: String { entry.name }
    var identity: String { entry.identity }
    var defaultPort: Int { entry.rpcPort }

    func method(named name: String) -> MethodDescriptorInfo? {
        methods.first { $0.path == name || $0.path.hasSuffix("/\(name)") }
    }
}

enum KnownServices {
    /// The catalogue's built services (the gateway speaks HTTP and is not listed), each with
    /// the method table generated for its proto service.
    static let all: [KnownService] = ServiceCatalogue.built.map { entry in
        KnownService(entry: entry, methods: TownshipServiceTables.methodsByService[entry.protoService] ?? [])
    }

    /// Every identity `township certs` and `township up` issue a certificate for.
    static let certificateNames = ServiceCatalogue.certificateNames
    static let adminName = ServiceCatalogue.adminName

    static func named(_ name: String) -> KnownService? { all.first { $0.name == name } }
}
