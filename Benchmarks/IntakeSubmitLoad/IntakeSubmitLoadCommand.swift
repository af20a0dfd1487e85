import ArgumentParser
import BenchmarkSupport
import Foundation
import IntakeCore
import Logging
import Synchronization
import TownshipRPC

@main
struct IntakeSubmitLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "IntakeSubmitLoad",
        abstract: "Acknowledged SubmitTicket/s over TWP/1 with mutual TLS, beside the disk's fsync rate and a bare SQLite loop at the batch sizes the group commit formed.")

    @Option(name: .long, help: "Concurrent callers per level, comma-separated.")
    var callers: String = "32,128,512"

    @Option(name: .long, help: "Client connections the callers share (caller i uses connection i mod n).")
    var connections: Int = 4

    @Option(name: .long, help: "Seconds of warm-up per level (not measured).")
    var warmUp: Double = 2

    @Option(name: .long, help: "Measured seconds per level.")
    var duration: Double = 10

    @Option(name: .long, help: "Seconds of the write+fsync probe per level.")
    var fsyncSeconds: Double = 2

    @Option(name: .long, help: "At most this many seconds of the bare SQLite loop per level.")
    var ceilingSeconds: Double = 5

    @Option(name: .long, help: "Where the state directory and the bare database go (a fresh folder is made inside).")
    var directory: String = FileManager.default.temporaryDirectory.path

    @Option(name: .long, help: "Intake's log level (the service's default is info: one line per submission, on stderr).")
    var logLevel: String = "info"

    @Flag(name: .long, help: "Also run each level straight into the store, without TWP/1 (a diagnostic row).")
    var storeDirect = false

    @Option(name: .long, help: "SQLite engine settings of the store and of its bare ceiling, comma-separated, each measured in turn on fresh databases: tuned (intake's) or plain (SQLite's and GRDB's defaults, as before), each optionally changed after + (cache=<MiB>, checkpoint=<seconds between checkpoints>: tuned+checkpoint=0.5).")
    var sqliteSettings: String = "tuned"

    @Option(name: .long, help: "Then compare the engines at this many callers: SQLite, PostgreSQL with one replica, with two (0: skip).")
    var engineCallers: Int = 32

    func validate() throws {
        guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 }) else { throw ValidationError("--callers needs positive integers") }
        guard connections > 0 else { throw ValidationError("--connections must be positive") }
        guard duration > 0, warmUp >= 0, fsyncSeconds > 0, ceilingSeconds > 0 else { throw ValidationError("durations must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be a swift-log level") }
        guard !settingsList.isEmpty, settingsList.allSatisfy({ $0.settings != nil }) else {
            throw ValidationError("--sqlite-settings takes tuned and/or plain, each optionally +cache=<MiB> and/or +checkpoint=<seconds>")
        }
    }

    /// `tuned` or `plain`, optionally with changes after `+`: `cache=<MiB>` (the page cache),
    /// `checkpoint=<seconds>` (the checkpointer's interval), e.g. `tuned+checkpoint=0.5`.
    var settingsList: [(name: String, settings: SQLiteEngineSettings?)] {
        sqliteSettings.split(separator: ",").map { name in
            let name = name.trimmingCharacters(in: .whitespaces)
            let parts = name.split(separator: "+").map(String.init)
            guard var settings = ["tuned": SQLiteEngineSettings.tuned, "plain": .plain][parts[0]] else { return (name, nil) }
            for change in parts.dropFirst() {
                let pair = change.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, let value = Double(pair[1]), value > 0 else { return (name, nil) }
                switch pair[0] {
                case "cache": settings.cacheKiB = Int(value * 1024)
                case "checkpoint": settings.checkpointInterval = value
                default: return (name, nil)
                }
            }
            return (name, settings)
        }
    }

    var levels: [Int] { callers.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("intake-submit-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let pki = try BenchmarkPKI.make(service: "intake")
        defer { pki.remove(); try? FileManager.default.removeItem(at: root) }

        emit("IntakeSubmitLoad: SubmitTicket over TWP/1, mutual TLS 1.3 on 127.0.0.1, intake in process (IntakeService on RPCServer),")
        emit("store \(root.path) (WAL, synchronous FULL), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(connections) connections,")
        emit("warm-up \(warmUp) s + \(duration) s measured per level; latency = one acknowledged submission (HdrHistogram, µs)")

        for (index, (name, settings)) in settingsList.enumerated() {
            try await runLevels(settingsName: name, settings: settings!, root: root.appendingPathComponent("\(index)-\(name)"), pki: pki)
        }
        if engineCallers > 0 {
            try await EngineComparison(pki: pki, root: root, callers: engineCallers, connections: connections,
                                       warmUp: .seconds(warmUp), duration: .seconds(duration),
                                       logLevel: Logger.Level(rawValue: logLevel)!).run(emit: emit)
        }
    }

    /// Every level on a fresh intake database and a fresh bare one, both with `settings`.
    func runLevels(settingsName: String, settings: SQLiteEngineSettings, root: URL, pki: BenchmarkPKI) async throws {
        let state = root.appendingPathComponent("intake")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        emit("")
        emit("=== SQLite settings: \(settingsName) (\(Self.describe(settings))), the store and its bare ceiling alike ===")
        let intake = try await IntakeUnderLoad.startOnSQLite(pki: pki, stateDirectory: state, connections: connections,
                                                             logLevel: Logger.Level(rawValue: logLevel)!, settings: settings)
        let bare = try await BareSubmissionLoop(path: root.appendingPathComponent("bare.sqlite").path,
                                                intakePath: state.appendingPathComponent("intake.sqlite").path, settings: settings)
        let keys = KeySequence()
        var levelsMeasured: [LevelOutcome] = []
        for level in levels {
            let before = intake.sqlite!.groupCommitBatchSizes
            let checkpointsBefore = CheckpointerSnapshot(intake.sqlite!.checkpointer)
            let result = await ClosedLoopLoad.run(
                stack: "intake SubmitTicket", concurrency: level, warmUp: .seconds(warmUp), duration: .seconds(duration),
                isRefusal: Self.isOverloadRefusal,
                call: { worker in try await intake.submit(worker: worker, key: "bench-\(keys.next())") })
            let formed = intake.sqlite!.groupCommitBatchSizes.since(before)
            let checkpoints = CheckpointerSnapshot(intake.sqlite!.checkpointer).since(checkpointsBefore)
            var direct: LoadResult?
            var directPhases: [String] = []
            if storeDirect {
                let directBefore = intake.sqlite!.groupCommitBatchSizes
                let directCheckpointsBefore = CheckpointerSnapshot(intake.sqlite!.checkpointer)
                direct = await ClosedLoopLoad.run(
                    stack: "store.submit, no RPC", concurrency: level, warmUp: .seconds(warmUp), duration: .seconds(duration),
                    isRefusal: Self.isOverloadRefusal,
                    call: { worker in try await intake.submitDirect(worker: worker, key: "direct-\(keys.next())") })
                directPhases = WriterPhasesReport.lines(
                    "store.submit, no RPC", formed: intake.sqlite!.groupCommitBatchSizes.since(directBefore),
                    checkpoints: settings.checkpointsOffWriter ? CheckpointerSnapshot(intake.sqlite!.checkpointer).since(directCheckpointsBefore) : nil)
            }
            let fsyncs = try FsyncRate.measure(directory: root, seconds: fsyncSeconds)
            let ceiling = try bare.rate(batches: formed.batchList.shuffled(), seconds: ceilingSeconds)
            let searchLast = try bare.rate(batches: formed.batchList.shuffled(), seconds: ceilingSeconds, searchRowsLast: true)
            let outcome = LevelOutcome(result: result, direct: direct, formed: formed, fsyncsPerSecond: fsyncs, bare: ceiling,
                                       bareSearchLast: searchLast)
            levelsMeasured.append(outcome)
            for line in outcome.report() { emit(line) }
            for line in WriterPhasesReport.lines("intake SubmitTicket", formed: formed, checkpoints: settings.checkpointsOffWriter ? checkpoints : nil) {
                emit(line)
            }
            for line in directPhases { emit(line) }
        }
        await intake.stop()
        emit("")
        emit("settings \(settingsName):")
        for line in LevelOutcome.goals(levelsMeasured) { emit(line) }
    }

    static func describe(_ settings: SQLiteEngineSettings) -> String {
        "cache \(settings.cacheKiB / 1024) MiB, temp store \(settings.tempStoreInMemory ? "memory" : "files"), "
            + (settings.checkpointsOffWriter
                ? "WAL checkpoints on their own connection every ≥ \(settings.checkpointInterval) s, the writer's only past \(settings.writerCheckpointPages) pages"
                : "the writer checkpoints the WAL past \(settings.writerCheckpointPages) pages")
    }

    /// The server shedding load (spec §7: RESOURCE_EXHAUSTED, or a call refused unprocessed).
    @Sendable static func isOverloadRefusal(_ error: any Error) -> Bool {
        guard let error = error as? RPCError else { return false }
        return error.status == .resourceExhausted || error.wasRefused
    }
}

/// Every submission's own key, across all levels.
final class KeySequence: Sendable {
    private let counter = Atomic<Int>(0)
    func next() -> Int { counter.add(1, ordering: .relaxed).newValue }
}

extension GroupCommitBatchSizes {
    /// One entry per transaction formed, its size.
    var batchList: [Int] {
        transactions.enumerated().flatMap { size, count in Array(repeating: size, count: count) }
    }
}
