import ArgumentParser
import BenchmarkSupport
import Foundation
import SwiftProtobuf

@main
struct RPCLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "RPCLoad",
        abstract: "Unary echo load on 127.0.0.1: TWP/1 over mutual TLS 1.3 vs grpc-swift-2 over mutual TLS vs TWP/1 plaintext, plus TLS handshake rates.")

    @Option(name: .long, help: "Concurrency levels (calls in flight), comma-separated.")
    var concurrency: String = "1,16,64,256"

    @Option(name: .long, help: "Seconds of warm-up per stack and level (not measured).")
    var warmUp: Double = 1

    @Option(name: .long, help: "Measured seconds per stack and level.")
    var duration: Double = 5

    @Option(name: .long, help: "Slices each stack's measured window is cut into; the stacks take turns slice by slice (1: one whole window each, in turn).")
    var slices: Int = 10

    @Option(name: .long, help: "Seconds of warm-up before each slice after a stack's first (its first has --warm-up).")
    var sliceWarmUp: Double = 0.2

    @Option(name: .long, help: "Serialized request size in bytes (a protobuf BytesValue).")
    var payloadBytes: Int = 100

    @Option(name: .long, help: "Extra TWP-over-TLS runs with this many client connections (0: none).")
    var connections: Int = 4

    @Option(name: .long, help: "The concurrency the targets are judged at.")
    var targetConcurrency: Int = 64

    @Option(name: .long, help: "Seconds per handshake mode (0 skips the handshake measurement).")
    var handshakeSeconds: Double = 3

    @Option(name: .long, help: "Comma-separated subset of: twp-tls, twp-tls-n, grpc, twp-plain.")
    var stacks: String = "twp-tls,twp-tls-n,grpc,twp-plain"

    func validate() throws {
        guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 }) else { throw ValidationError("--concurrency needs positive integers") }
        guard slices > 0 else { throw ValidationError("--slices must be positive") }
        guard duration > 0, warmUp >= 0, sliceWarmUp >= 0, handshakeSeconds >= 0 else { throw ValidationError("durations must not be negative") }
        guard (3...65_536).contains(payloadBytes) else { throw ValidationError("--payload-bytes must be 3...65536") }
        guard connections >= 0 else { throw ValidationError("--connections must not be negative") }
    }

    var levels: [Int] { concurrency.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    var chosenStacks: Set<String> { Set(stacks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }

    func run() async throws {
        let pki = try BenchmarkPKI.make()
        defer { pki.remove() }
        // A BytesValue of n bytes serializes to n + 2 for n < 128: tag, length, bytes.
        let payload = Google_Protobuf_BytesValue(Data((0..<(payloadBytes - (payloadBytes < 130 ? 2 : 3))).map { UInt8(truncatingIfNeeded: $0) }))
        let serialized = try payload.serializedBytes() as [UInt8]
        emit("RPCLoad: unary echo of a \(serialized.count)-byte message on 127.0.0.1, one process, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        emit("warm-up \(warmUp) s, measured \(duration) s per stack and level in \(slices) slices taken in turns (\(sliceWarmUp) s warm-up before each later slice); latency = one round trip per call (HdrHistogram, µs)")
        emit("")

        let twpTLS = "TWP/1 TLS 1.3 mTLS, 1 conn"
        let twpTLSN = "TWP/1 TLS 1.3 mTLS, \(connections) conn"
        let grpcName = "grpc-swift-2 HTTP/2 mTLS"
        let plainName = "TWP/1 plaintext, 1 conn"

        var stacks: [(name: String, call: @Sendable (Int) async throws -> Void, stop: @Sendable () async -> Void)] = []
        if chosenStacks.contains("twp-tls") {
            let stack = try await TownshipEchoStack.start(pki: pki, connections: 1)
            stacks.append((twpTLS, { try await stack.call(worker: $0, payload: payload) }, { await stack.stop() }))
        }
        if chosenStacks.contains("twp-tls-n"), connections > 1 {
            let stack = try await TownshipEchoStack.start(pki: pki, connections: connections)
            stacks.append((twpTLSN, { try await stack.call(worker: $0, payload: payload) }, { await stack.stop() }))
        }
        if chosenStacks.contains("grpc") {
            let stack = try await GRPCEchoStack.start(pki: pki)
            stacks.append((grpcName, { _ in try await stack.call(payload: payload) }, { await stack.stop() }))
        }
        if chosenStacks.contains("twp-plain") {
            let stack = try await TownshipEchoStack.start(pki: nil, connections: 1)
            stacks.append((plainName, { try await stack.call(worker: $0, payload: payload) }, { await stack.stop() }))
        }

        // At each level the stacks take turns slice by slice: on a shared machine the CPU this
        // process gets moves by 2× within seconds, and with one whole window each, one stack's
        // window could catch a quiet spell and the next a busy one (2026-12-01's TLS ÷ plaintext
        // of 0.47-0.75 at equal CPU per call; see results/rpcload-2026-12-02.txt). Slices put
        // every stack through the same spells.
        emit(ReportTable.header())
        var results: [LoadResult] = []
        var scheduling: [String] = []
        let slice = duration / Double(slices)
        for level in levels {
            var measured = Array(repeating: [LoadResult](), count: stacks.count)
            var scheduled = Array(repeating: (time: SchedulerTime(), wallNanoseconds: 0.0), count: stacks.count)
            for round in 0..<slices {
                for (index, stack) in stacks.enumerated() {
                    let before = SchedulerTime.now()
                    let started = DispatchTime.now().uptimeNanoseconds
                    measured[index].append(await ClosedLoopLoad.run(
                        stack: stack.name, concurrency: level, warmUp: .seconds(round == 0 ? warmUp : sliceWarmUp),
                        duration: .seconds(slice), call: stack.call))
                    scheduled[index].time = scheduled[index].time + (SchedulerTime.now() - before)
                    scheduled[index].wallNanoseconds += Double(DispatchTime.now().uptimeNanoseconds - started)
                }
            }
            for (index, parts) in measured.enumerated() {
                let result = LoadResult.merged(parts)
                results.append(result)
                emit(ReportTable.row(result))
                let (time, wall) = scheduled[index]
                scheduling.append(ReportTable.pad(result.stack, 28) + ReportTable.pad("\(level)", 6, right: true)
                    + ReportTable.pad(ReportTable.format(time.runningNanoseconds / wall, 2), 14, right: true)
                    + ReportTable.pad(ReportTable.format(time.waitingNanoseconds / wall, 2), 18, right: true))
            }
        }
        emit("")
        emit("threads' time per second of wall clock (/proc/self/task/*/schedstat, warm-ups included): on a CPU, and runnable but waiting for one")
        emit(ReportTable.pad("stack", 28) + ReportTable.pad("conc", 6, right: true) + ReportTable.pad("on CPU", 14, right: true)
            + ReportTable.pad("waiting for CPU", 18, right: true))
        scheduling.forEach(emit)
        for stack in stacks { await stack.stop() }

        emit("")
        for line in ReportTable.ratios(results, twpTLS: twpTLS, grpc: grpcName, plaintext: plainName, targetConcurrency: targetConcurrency) {
            emit(line)
        }

        if handshakeSeconds > 0 {
            emit("")
            emit("TLS 1.3 mutual-TLS handshakes with our OpenSSL handler, sequential, \(handshakeSeconds) s each (connect, handshake, 1 byte each way, close):")
            for result in try await HandshakeRate.measure(pki: pki, duration: .seconds(handshakeSeconds)) {
                emit("  \(ReportTable.pad(result.mode.rawValue, 36)) \(ReportTable.pad(ReportTable.format(result.perSecond, 0), 7, right: true)) /s   (\(result.handshakes) handshakes, \(result.resumed) resumed)")
            }
        }
    }
}
