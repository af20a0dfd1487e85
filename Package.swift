// swift-tools-version:6.2
import PackageDescription

// Every target of ours is Swift 6 with warnings as errors: NIO is @preconcurrency, so
// cross-thread misuse of a handler would otherwise only be a warning.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "Township",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TownshipWire", targets: ["TownshipWire"]),
        .library(name: "TownshipTLS", targets: ["TownshipTLS"]),
        .library(name: "TownshipRPC", targets: ["TownshipRPC"]),
        .library(name: "TownshipProtos", targets: ["TownshipProtos"]),
        // For Benchmarks/RPCLoad, which issues its certificates at startup.
        .library(name: "TownshipCertificates", targets: ["TownshipCertificates"]),
        // For Benchmarks/CanteenSitingBench.
        .library(name: "CanteenCore", targets: ["CanteenCore"]),
        // For Benchmarks/JobFairMatchBench.
        .library(name: "JobFairCore", targets: ["JobFairCore"]),
        // For Benchmarks/CanteenCheckInBench.
        .library(name: "CanteenService", targets: ["CanteenService"]),
        // For Benchmarks/IntakeSubmitLoad, which serves intake in process on a real TLS listener.
        .library(name: "IntakeService", targets: ["IntakeService"]),
        .library(name: "IntakeCore", targets: ["IntakeCore"]),
        .library(name: "IntakePostgresStore", targets: ["IntakePostgresStore"]),
        .library(name: "TownshipPostgresCluster", targets: ["TownshipPostgresCluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // Intake's PostgreSQL store (issue #16): the wire client and connection pool.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // System libraries and the C shim for OpenSSL 3 macros.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "CTownshipOpenSSLShims", dependencies: ["COpenSSL"]),

        // The wire protocol: frames, codec, compression. No I/O.
        .target(
            name: "TownshipWire",
            dependencies: [
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The suite's roles, generated from enum Role of principal.proto; no protobuf, so
        // domain cores use it too.
        .target(name: "TownshipRoles", swiftSettings: strict),
        // Code generated from proto-spec/township/**/*.proto (see proto-spec/generate.sh).
        .target(
            name: "TownshipProtos",
            dependencies: ["TownshipRoles", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strict
        ),
        // The suite's services: names, default ports, SPIFFE identities, proto services.
        // Depends on nothing, so every list of services can read it.
        .target(name: "TownshipCatalogue", swiftSettings: strict),
        // Development CA and service certificates carrying the protocol's SPIFFE identities.
        .target(
            name: "TownshipCertificates",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // TLS 1.3 on the system OpenSSL as a NIO channel handler.
        .target(
            name: "TownshipTLS",
            dependencies: [
                "COpenSSL",
                "CTownshipOpenSSLShims",
                // Key-file permission checks and the burnt-CA list, shared with the CA tooling.
                "TownshipCertificates",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // RPC server and client over TownshipWire + TownshipTLS.
        .target(
            name: "TownshipRPC",
            dependencies: [
                "TownshipWire",
                "TownshipTLS",
                "TownshipCatalogue",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        // What every service executable shares: settings, metrics endpoint, certificate
        // reload, graceful lifecycle.
        .target(
            name: "TownshipServiceRuntime",
            dependencies: [
                "TownshipRPC", "TownshipTLS", "TownshipWire", "TownshipCatalogue",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The shared shape of a service executable: `serve`, `seed` and `check-config` generic
        // over a `TownshipServiceDefinition`, principal resolution and error mapping. Nothing
        // here assumes a database engine.
        .target(
            name: "TownshipServiceKit",
            dependencies: [
                "TownshipServiceRuntime", "TownshipRPC", "TownshipWire", "TownshipProtos", "TownshipRoles", "TownshipCatalogue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // SplitMix64: the one seedable generator of demo data, benchmarks and fuzz tests.
        .target(name: "TownshipRandom", swiftSettings: strict),
        // The intake domain: workflow, ledger, store (SQLite via GRDB), queries.
        .target(
            name: "IntakeCore",
            dependencies: [
                "TownshipRoles", "TownshipRandom",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API itself, for the statistics' passes over thousands of rows.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Local PostgreSQL clusters for tests and `township up`: initdb, pg_ctl, createdb as
        // an unprivileged user. Standard library and Foundation only.
        .target(name: "TownshipPostgresCluster", swiftSettings: strict),
        // Intake's store on PostgreSQL (issue #16): the same `TicketStore` contract as the
        // SQLite store, for several replicas on one database.
        .target(
            name: "IntakePostgresStore",
            dependencies: [
                "IntakeCore", "TownshipRoles",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The gateway: HTTP JSON API, users and sessions, cockpit fan-out, live events,
        // Open311, and the cockpit page; the backends are reached over TWP/1.
        .target(
            name: "GatewayCore",
            dependencies: [
                "TownshipRPC", "TownshipTLS", "TownshipWire", "TownshipProtos", "TownshipServiceRuntime", "CZlib",
                "TownshipCatalogue", "TownshipRoles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "gateway",
            dependencies: ["GatewayCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Gateway/Main",
            swiftSettings: strict
        ),

        // The intake service on the wire: handlers, proto mapping, principal authorization.
        .target(
            name: "IntakeService",
            dependencies: [
                "IntakeCore", "TownshipRPC", "TownshipProtos", "TownshipWire", "TownshipRoles", "TownshipServiceKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // `intake`: serve, seed, check-config.
        .executableTarget(
            name: "intake",
            dependencies: [
                "IntakeService", "IntakeCore", "IntakePostgresStore", "TownshipServiceKit", "TownshipServiceRuntime", "TownshipRPC", "TownshipCatalogue", "TownshipCertificates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/IntakeExecutable",
            swiftSettings: strict
        ),

        // A skeleton service on the kit, run by `HelloKitTests` (not in the catalogue): what a
        // service costs beyond its domain.
        .executableTarget(
            name: "hello",
            dependencies: [
                "TownshipServiceKit", "TownshipServiceRuntime", "TownshipCatalogue", "TownshipProtos", "TownshipRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/HelloService",
            swiftSettings: strict
        ),

        // The job-fair domain: model, validation, ranking, stable matching, explanations,
        // demo data. Standard library only, so the matcher stays small and fast to build.
        .target(
            name: "JobFairCore",
            dependencies: ["TownshipRandom", "TownshipCreditCode"],
            exclude: ["Ranking/README.md"],
            swiftSettings: strict
        ),

        // The job-fair service (issue #13): its SQLite store (versioned rounds), handlers,
        // proto mapping and authorization; `job-fair`: serve, seed, check-config.
        .target(
            name: "JobFairService",
            dependencies: [
                "JobFairCore", "TownshipRPC", "TownshipProtos", "TownshipRoles", "TownshipServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "job-fair",
            dependencies: [
                "JobFairService", "JobFairCore", "TownshipServiceKit", "TownshipServiceRuntime", "TownshipCatalogue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/JobFairExecutable",
            swiftSettings: strict
        ),
        .testTarget(
            name: "JobFairServiceTests",
            dependencies: [
                "JobFairService", "JobFairCore", "TownshipRPC", "TownshipProtos", "TownshipTLS", "TownshipCertificates", "TownshipServiceKit", "TownshipWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),

        // `township`: certificates, calls, running the suite locally.
        .executableTarget(
            name: "township",
            dependencies: [
                "TownshipRPC", "TownshipTLS", "TownshipCertificates", "TownshipProtos", "TownshipCatalogue", "TownshipPostgresCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/TownshipTool",
            swiftSettings: strict
        ),

        // The canteen-meals domain core (issue #12): resident ID numbers, eligibility and
        // subsidies, the 15-minute meal circle, siting of new canteens, demo data. Pure
        // computation: no NIO, no database.
        .target(
            name: "CanteenCore",
            dependencies: ["TownshipRandom", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // enterprise-liaison (issue #14). The unified social credit code check, shared with
        // job-fair; the liaison domain (liaisons, visits, help, the half-monthly problem list),
        // standard library only, clock injected.
        .target(name: "TownshipCreditCode", swiftSettings: strict),
        .target(name: "LiaisonCore", dependencies: ["TownshipCreditCode", "TownshipRandom"], swiftSettings: strict),
        .testTarget(name: "TownshipCreditCodeTests", dependencies: ["TownshipCreditCode"], swiftSettings: strict),
        .testTarget(name: "LiaisonCoreTests", dependencies: ["LiaisonCore"], swiftSettings: strict),
        // enterprise-liaison on the wire: GRDB store, handlers, proto mapping, deadline pass.
        .target(
            name: "LiaisonService",
            dependencies: [
                "LiaisonCore", "TownshipRPC", "TownshipProtos", "TownshipWire", "TownshipRoles", "TownshipServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // `enterprise-liaison`: serve, seed, check-config.
        .executableTarget(
            name: "enterprise-liaison",
            dependencies: [
                "LiaisonService", "LiaisonCore", "TownshipServiceKit", "TownshipServiceRuntime", "TownshipCatalogue", "TownshipRPC", "TownshipTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/LiaisonExecutable",
            swiftSettings: strict
        ),
        .testTarget(
            name: "LiaisonServiceTests",
            dependencies: [
                "LiaisonService", "LiaisonCore", "TownshipRPC", "TownshipProtos", "TownshipTLS", "TownshipCertificates", "TownshipWire",
                // A real intake for the referral tests (#14).
                "IntakeService", "IntakeCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),

        // What several test targets share: free ports for the executables they start.
        .target(name: "TownshipTestSupport", dependencies: ["TownshipPostgresCluster"], path: "Tests/TownshipTestSupport", swiftSettings: strict),
        .testTarget(
            name: "TownshipWireTests",
            dependencies: [
                "TownshipWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TownshipTLSTests",
            dependencies: [
                "TownshipTLS", "TownshipCertificates",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TownshipRPCTests",
            dependencies: [
                "TownshipRPC", "TownshipWire", "TownshipTLS", "TownshipCertificates",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TownshipProtosTests",
            dependencies: ["TownshipProtos", "TownshipRoles", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "TownshipTestSupport",
                "GatewayCore", "TownshipRPC", "TownshipTLS", "TownshipProtos", "TownshipCertificates", "TownshipServiceRuntime", "TownshipRandom",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntakeServiceTests",
            dependencies: [
                "TownshipTestSupport",
                "IntakeService", "IntakeCore", "TownshipRPC", "TownshipProtos", "TownshipTLS", "TownshipCertificates", "TownshipWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // `township up`'s decisions: the database engine, intake's replicas and their
        // configuration files (no processes started).
        .testTarget(name: "TownshipToolTests", dependencies: ["township"], swiftSettings: strict),
        // The built executables as separate processes, driven through the gateway's HTTP API.
        .testTarget(
            name: "SuiteEndToEndTests",
            dependencies: ["TownshipTestSupport", "TownshipCertificates", "GatewayCore", "TownshipCatalogue", "TownshipProtos"],
            swiftSettings: strict
        ),
        // The kit's call gate: principal resolution, services acting as themselves.
        .testTarget(
            name: "TownshipServiceKitTests",
            dependencies: [
                "TownshipServiceKit", "TownshipRPC", "TownshipProtos", "TownshipRoles", "TownshipWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TownshipServiceRuntimeTests",
            dependencies: ["TownshipServiceRuntime", "TownshipCatalogue", "TownshipRPC", "TownshipTLS"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JobFairCoreTests",
            dependencies: ["JobFairCore", "TownshipRandom"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntakeCoreTests",
            dependencies: [
                "IntakeCore", "TownshipCertificates", "IntakePostgresStore", "TownshipTestSupport", "TownshipPostgresCluster",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CanteenCoreTests",
            dependencies: ["CanteenCore", "TownshipRandom", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // canteen-meals (issue #12): the store, the handlers and the role checks on TWP/1, its
        // executable on the service kit, and its tests over TLS.
        .target(
            name: "CanteenService",
            dependencies: [
                "CanteenCore", "TownshipRPC", "TownshipProtos", "TownshipWire", "TownshipRoles", "TownshipServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "canteen-meals",
            dependencies: [
                "CanteenService", "CanteenCore", "TownshipServiceKit", "TownshipServiceRuntime", "TownshipCatalogue", "TownshipCertificates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/CanteenExecutable",
            swiftSettings: strict
        ),
        .testTarget(
            name: "CanteenServiceTests",
            dependencies: [
                "CanteenService", "CanteenCore", "TownshipRPC", "TownshipProtos", "TownshipTLS", "TownshipCertificates", "TownshipWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
    ]
)

// The libFuzzer target has no `main` (libFuzzer brings one), so it would break a plain
// `swift build`: only Fuzz/run.sh, which sets ENABLE_FUZZ=1, declares it.
if Context.environment["ENABLE_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "TownshipWireFuzz",
            dependencies: [
                "TownshipWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Fuzz/TownshipWireFuzz",
            swiftSettings: strict
        )
    )
}
