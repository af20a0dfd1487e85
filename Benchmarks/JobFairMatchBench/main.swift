// JobFairMatchBench: times JobFairCore's deferred acceptance on a scaled instance, from the
// flat choice lists and fit scores to the final matching (building the matcher's
// preference structures included), and reports peak memory. `side_by_side.py` runs it next
// to Python on the same instances; see Benchmarks/README.md.
import Foundation
import JobFairCore

struct Options {
    var seekers = 100_000
    var positions = 2_000
    var choices = 10
    var seed: UInt64 = 13
    var repeats = 5
    var instancePath: String?
    var assignmentPath: String?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next() ?? ""
            switch argument {
            case "--seekers": seekers = Int(value) ?? seekers
            case "--positions": positions = Int(value) ?? positions
            case "--choices": choices = Int(value) ?? choices
            case "--seed": seed = UInt64(value) ?? seed
            case "--repeats": repeats = max(1, Int(value) ?? repeats)
            case "--write-instance": instancePath = value
            case "--write-assignment": assignmentPath = value
            default:
                FileHandle.standardError.write(Data("unknown option \(argument); options: --seekers --positions --choices --seed --repeats --write-instance PATH --write-assignment PATH\n".utf8))
                exit(2)
            }
        }
    }
}

/// Peak resident set size of this process (VmHWM), in KiB.
func peakResidentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The instance as text for Python: "S P", the capacities, then one line per seeker of
/// "position score" pairs (score -1: not ranked).
func write(_ instance: ScaledInstance, to path: String) throws {
    var text = "\(instance.seekerCount) \(instance.capacities.count)\n"
    text += instance.capacities.map(String.init).joined(separator: " ") + "\n"
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    for seeker in 0..<instance.seekerCount {
        for edge in Int(instance.choiceOffsets[seeker])..<Int(instance.choiceOffsets[seeker + 1]) {
            text += "\(instance.choicePositions[edge]) \(instance.edgeScores[edge]) "
        }
        text += "\n"
        if text.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(text.utf8)); text = "" }
    }
    try handle.write(contentsOf: Data(text.utf8))
}

let options = Options(CommandLine.arguments)
let generationStart = ContinuousClock.now
let instance = ScaledInstance.generate(seekers: options.seekers, positions: options.positions, choices: options.choices, seed: options.seed)
let generationSeconds = seconds(since: generationStart)
let residentAfterGeneration = peakResidentKiB()
if let path = options.instancePath { try write(instance, to: path) }

var timings: [Double] = []
var result: MatchingResult?
for _ in 0..<options.repeats {
    let start = ContinuousClock.now
    let problem = try instance.problem()
    let matched = DeferredAcceptance.match(problem)
    timings.append(seconds(since: start))
    result = matched
}
let final = result!
if let path = options.assignmentPath {
    try (final.positionOfSeeker.map(String.init).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
}
timings.sort()
let report: [String: Any] = [
    "seekers": options.seekers, "positions": options.positions, "choices": options.choices, "seed": options.seed,
    "edges": instance.choicePositions.count, "places": instance.capacities.reduce(0) { $0 + Int($1) },
    "matched": final.matchedCount, "proposals": final.proposals,
    "bestSeconds": timings.first!, "medianSeconds": timings[timings.count / 2], "repeats": timings.count,
    "generationSeconds": generationSeconds,
    "peakRSSMiBAfterGeneration": residentAfterGeneration / 1024, "peakRSSMiB": peakResidentKiB() / 1024,
]
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
