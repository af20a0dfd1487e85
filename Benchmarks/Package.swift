// swift-tools-version:6.1
import PackageDescription

// A package of its own so that the root package never builds ordo-one/benchmark.
// Only the MallocInterposer trait: it gives the malloc metrics without jemalloc, and leaving
// out the default RuntimeInterposer trait keeps its dependency (absent from our mirror) out.
let package = Package(
    name: "TownshipBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Township", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        // RPCLoad: the gRPC baseline, latency histograms and its command line.
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // CanteenCheckInBench: the bare SQLite loop and the throwaway ID-number key.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "WireCodec",
            dependencies: [
                .product(name: "TownshipWire", package: "Township"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "WireCodec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // What the load generators share: the throwaway PKI, the closed loop, the printed table.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "TownshipCertificates", package: "Township"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "BenchmarkSupport",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
        // A plain executable, not an ordo-one benchmark: it runs its own closed-loop timing.
        .executableTarget(
            name: "RPCLoad",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "TownshipRPC", package: "Township"),
                .product(name: "TownshipTLS", package: "Township"),
                .product(name: "TownshipCertificates", package: "Township"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "RPCLoad",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
        // A plain executable: durable intake submissions per second over TWP/1 at 32/128/512
        // callers, beside the disk's fsync rate and a bare SQLite loop at the same batch sizes.
        .executableTarget(
            name: "IntakeSubmitLoad",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "IntakeService", package: "Township"),
                .product(name: "IntakeCore", package: "Township"),
                .product(name: "IntakePostgresStore", package: "Township"),
                .product(name: "TownshipPostgresCluster", package: "Township"),
                .product(name: "TownshipRPC", package: "Township"),
                .product(name: "TownshipTLS", package: "Township"),
                .product(name: "TownshipProtos", package: "Township"),
                .product(name: "TownshipCertificates", package: "Township"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "IntakeSubmitLoad",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
        // A plain executable: times CanteenCore's siting and runs the exact model beside it.
        .executableTarget(
            name: "CanteenSitingBench",
            dependencies: [.product(name: "CanteenCore", package: "Township")],
            path: "CanteenSitingBench",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
        // A plain executable: durable canteen check-ins per second over TWP/1 against a bare
        // SQLite loop with synchronous FULL, in one run.
        .executableTarget(
            name: "CanteenCheckInBench",
            dependencies: [
                .product(name: "CanteenService", package: "Township"),
                .product(name: "TownshipRPC", package: "Township"),
                .product(name: "TownshipTLS", package: "Township"),
                .product(name: "TownshipProtos", package: "Township"),
                .product(name: "TownshipCertificates", package: "Township"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "CanteenCheckInBench",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
        // A plain executable: times JobFairCore's matcher on scaled instances; run next to
        // Python by JobFairMatchBench/side_by_side.py.
        .executableTarget(
            name: "JobFairMatchBench",
            dependencies: [.product(name: "JobFairCore", package: "Township")],
            path: "JobFairMatchBench",
            exclude: ["side_by_side.py"],
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
    ]
)
