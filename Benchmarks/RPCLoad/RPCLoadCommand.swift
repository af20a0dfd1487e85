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
        guard duration > 0, warmUp >= 0, handshakeSeconds >= 0 else { throw ValidationError("durations must not be negative") }
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
        emit("warm-up \(warmUp) s, measured \(duration) s per stack and level; latency = one round trip per call (HdrHistogram, µs)")
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

        // Stacks take turns at each level, so a burst of load from elsewhere on the machine
        // hits them alike rather than one stack's whole series.
        emit(ReportTable.header())
        var results: [LoadResult] = []
        for level in levels {
            for stack in stacks {
                let result = await ClosedLoopLoad.run(
                    stack: stack.name, concurrency: level, warmUp: .seconds(warmUp), duration: .seconds(duration), call: stack.call)
                results.append(result)
                emit(ReportTable.row(result))
            }
        }
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
