import Benchmark
import Foundation
import NIOCore
import TownshipWire

let benchmarks: @Sendable () -> Void = {
    // Every benchmark does 1,000 operations per iteration (scalingFactor .kilo); the table
    // reports per-operation time and allocations.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo)

    frameBenchmarks("REQUEST ~100 B + metadata", Fixtures.request)
    frameBenchmarks("RESPONSE ~100 B", Fixtures.response)
    frameBenchmarks("MESSAGE 64 KiB", Fixtures.message64KiB)
    frameBenchmarks("PING", Fixtures.ping)
    batchBenchmark()
    compressionBenchmarks()
    jsonBenchmarks()
}

/// Encode into a reused buffer (as the channel's outbound buffer is), and decode from a
/// buffer holding the frame.
func frameBenchmarks(_ name: String, _ frame: Frame) {
    Benchmark("TWP encode \(name)") { benchmark in
        var buffer = ByteBuffer()
        buffer.reserveCapacity(128 * 1_024)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            try! FrameSerializer.write(frame, into: &buffer)
            blackHole(buffer.readableBytes)
        }
    }
    let wire = Fixtures.serialized([frame])
    Benchmark("TWP decode \(name)") { benchmark in
        for _ in benchmark.scaledIterations {
            var input = wire
            var decoder = FrameDecoder(pastHello: true)
            blackHole(try! decoder.decodeFrame(&input))
        }
    }
}

/// 100 mixed frames (REQUEST, MESSAGE, CREDIT, RESPONSE, PING) read from one buffer.
func batchBenchmark() {
    let wire = Fixtures.serialized(Fixtures.batch)
    Benchmark("TWP decode batch of 100 frames") { benchmark in
        for _ in benchmark.scaledIterations {
            var input = wire
            var decoder = FrameDecoder(pastHello: true)
            var count = 0
            while let frame = try! decoder.decodeFrame(&input) {
                blackHole(frame)
                count += 1
            }
            precondition(count == 100)
        }
    }
}

func compressionBenchmarks() {
    let message = Fixtures.compressible16KiB
    Benchmark("zlib compress+inflate 16 KiB") { benchmark in
        for _ in benchmark.scaledIterations {
            let compressed = PayloadCompression.compressIfWorthIt(message)!
            blackHole(try! PayloadCompression.inflate(compressed.bytes, cap: WireLimits.defaultMaxFrameSize))
        }
    }
    let compressed = PayloadCompression.compressIfWorthIt(message)!
    Benchmark("zlib inflate 16 KiB") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! PayloadCompression.inflate(compressed.bytes, cap: WireLimits.defaultMaxFrameSize))
        }
    }
}

/// The alternative: the same REQUEST as a Codable JSON envelope through Foundation.
func jsonBenchmarks() {
    let envelope = Fixtures.jsonRequest
    Benchmark("JSON encode REQUEST ~100 B + metadata") { benchmark in
        let encoder = JSONEncoder()
        for _ in benchmark.scaledIterations {
            blackHole(try! encoder.encode(envelope))
        }
    }
    let json = try! JSONEncoder().encode(envelope)
    Benchmark("JSON decode REQUEST ~100 B + metadata") { benchmark in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try! decoder.decode(JSONRequestEnvelope.self, from: json))
        }
    }
}
