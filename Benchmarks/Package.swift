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
        )
    ]
)
