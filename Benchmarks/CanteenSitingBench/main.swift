// CanteenSitingBench: the canteen siting (maximal covering) of CanteenCore in release, side by
// side with an exact model (spopt's MCLP solved by PuLP's CBC, Tests/python/canteen/mclp_exact.py).
// One run: `swift run -c release CanteenSitingBench [results-file]`.
import CanteenCore
import Foundation

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

var report: [String] = []
@MainActor func say(_ line: String) {
    print(line)
    report.append(line)
}

let clock = ContinuousClock()
let radius = 300.0
let repetitions = 9

/// Times `SiteSelector.solve` (spatial index, adjacency and search together) `repetitions` times.
@MainActor func timeSiting(_ problem: SitingProblem, options: SitingOptions) throws -> (SitingResult, [Double]) {
    var result: SitingResult?
    var times: [Double] = []
    for _ in 0..<repetitions {
        let start = clock.now
        result = try SiteSelector.solve(problem, options: options)
        times.append(milliseconds(clock.now - start))
    }
    return (result!, times)
}

say("CanteenSitingBench \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores, "
    + "release; times are medians of \(repetitions) runs (min in brackets) and include the spatial index")
say("")

// 1. The goal: 10,000 demand points × 2,000 candidates, k = 50, 300 m, in 15 km².
let big = ScaledSitingInstance.make(demandPoints: 10_000, candidateSites: 2_000, radius: radius, k: 50, seed: 12)
let plain = SitingOptions(perturbationRounds: 0, maximumSwapsPerSearch: SitingOptions.standard.maximumSwapsPerSearch,
                          seed: SitingOptions.standard.seed)
let (bigPlain, bigPlainTimes) = try timeSiting(big, options: plain)
let (bigFull, bigFullTimes) = try timeSiting(big, options: .standard)
say("10,000 × 2,000, k = 50, r = 300 m (goal ≤ 50 ms)")
say(String(format: "  greedy                         covers %5d", bigFull.greedyCovered))
say(String(format: "  greedy + 1-swaps               covers %5d  %7.1f ms [%.1f]", bigPlain.coveredAfter, median(bigPlainTimes),
           bigPlainTimes.min()!))
say(String(format: "  + %2d perturbation rounds (default) covers %5d  %7.1f ms [%.1f]", SitingOptions.standard.perturbationRounds,
           bigFull.coveredAfter, median(bigFullTimes), bigFullTimes.min()!))
for (rounds, cluster) in [(0, 6), (8, 6), (48, 6), (96, 6), (192, 6)] {
    let options = SitingOptions(perturbationRounds: rounds, maximumSwapsPerSearch: SitingOptions.standard.maximumSwapsPerSearch,
                                seed: SitingOptions.standard.seed, clusterSize: cluster)
    let (r, t) = try timeSiting(big, options: options)
    say(String(format: "  + %3d perturbation rounds of %d covers %5d  %7.1f ms [%.1f]", rounds, cluster, r.coveredAfter, median(t), t.min()!))
}
say("  exact model: not attempted (CBC does not finish this size within two minutes)")
say("")

// 2. Side by side with the exact model on instances it solves (`--no-exact` skips it).
let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--no-exact" }
if CommandLine.arguments.contains("--no-exact") { exit(0) }

struct Instance: Encodable {
    let demand: [[Double]]
    let candidates: [[Double]]
    let radius: Double
    let k: Int
    let time_limit: Double
}
struct Results: Decodable {
    struct Result: Decodable {
        let optimum: Int
        let seconds: Double
        let status: String
    }
    let results: [Result]
}

let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Tests/python/canteen/mclp_exact.py").standardizedFileURL
let sizes = [(2_500, 250, 25), (5_000, 500, 50)]
let problems = sizes.map { ScaledSitingInstance.make(demandPoints: $0.0, candidateSites: $0.1, radius: radius, k: $0.2, seed: 34) }
let file = FileManager.default.temporaryDirectory.appendingPathComponent("canteen-bench-\(UUID().uuidString).json")
try JSONEncoder().encode(["instances": problems.map {
    Instance(demand: $0.demand.map { [$0.x, $0.y] }, candidates: $0.candidates.map { [$0.x, $0.y] }, radius: $0.radius,
             k: $0.k, time_limit: 120)
}]).write(to: file)
defer { try? FileManager.default.removeItem(at: file) }

let process = Process()
process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
process.arguments = ["python3", script.path, file.path]
let pipe = Pipe()
process.standardOutput = pipe
try process.run()
let output = pipe.fileHandleForReading.readDataToEndOfFile()
process.waitUntilExit()
let exact = process.terminationStatus == 0 ? try? JSONDecoder().decode(Results.self, from: output).results : nil
if exact == nil { say("exact model: mclp_exact.py failed (pip install -r Tests/python/canteen/requirements.txt)") }

for (i, problem) in problems.enumerated() {
    let (ours, times) = try timeSiting(problem, options: .standard)
    say("\(problem.demand.count) × \(problem.candidates.count), k = \(problem.k), r = 300 m")
    say(String(format: "  ours (greedy %d, 1-swap %d)      covers %5d  %7.1f ms [%.1f]", ours.greedyCovered,
               ours.firstLocalOptimumCovered, ours.coveredAfter, median(times), times.min()!))
    if let e = exact?[i] {
        say(String(format: "  exact (spopt MCLP, CBC) %@  covers %5d  %7.1f ms", e.status, e.optimum, e.seconds * 1000))
        say(String(format: "  ratios: coverage ours/exact %.4f (greedy %.4f, 1-swap %.4f); time exact/ours %.0f×",
                   Double(ours.coveredAfter) / Double(e.optimum), Double(ours.greedyCovered) / Double(e.optimum),
                   Double(ours.firstLocalOptimumCovered) / Double(e.optimum), e.seconds * 1000 / median(times)))
    }
}

if let output = arguments.first {
    try (report.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
}
