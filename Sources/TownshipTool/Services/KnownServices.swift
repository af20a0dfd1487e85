import TownshipProtos

/// The suite's services as the tool knows them: identity, default local endpoint, methods.
struct KnownService: Sendable {
    let name: String
    let defaultPort: Int
    let methods: [MethodDescriptorInfo]

    var identity: String { "spiffe://township.local/service/\(name)" }

    func method(named name: String) -> MethodDescriptorInfo? {
        methods.first { $0.path == name || $0.path.hasSuffix("/\(name)") }
    }
}

enum KnownServices {
    /// Services that speak TWP/1; the gateway speaks HTTP and is not listed.
    static let all: [KnownService] = [
        KnownService(name: "intake", defaultPort: 7101, methods: Township_Intake_V1_Intake.allMethods),
    ]

    /// Every identity `township certs` issues a certificate for.
    static let certificateNames = ["intake", "canteen-meals", "job-fair", "enterprise-liaison", "gateway"]
    static let adminName = "township"

    static func named(_ name: String) -> KnownService? { all.first { $0.name == name } }
}
