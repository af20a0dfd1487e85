#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import TownshipWire

/// Seeds made with our own serializer: for each receiving side, a whole well-formed
/// conversation, and the peer's HELLO followed by each single frame.
enum SeedCorpus {
    static func writeIfRequested() {
        guard let directory = getenv("TWP_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) else { return }
        var count = 0
        for (name, seed) in seeds() {
            let path = "\(directory)/\(name)"
            guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
            seed.withUnsafeReadableBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            count += 1
        }
        print("wrote \(count) seeds to \(directory)")
        exit(0)
    }

    static func seeds() -> [(String, ByteBuffer)] {
        var result: [(String, ByteBuffer)] = []
        for (role, peerHello, frames) in [
            (ConnectionStateMachine.Role.server, Frame.hello(Hello(agent: "township-client/1")), framesToServer()),
            (.client, .hello(Hello(agent: "township-server/1", isAck: true)), framesToClient()),
        ] {
            let side = role == .server ? "server" : "client"
            // Whole-stream reads, then byte-at-a-time reads, of the whole conversation.
            for configuration in [FuzzConfiguration.byte(role: role), FuzzConfiguration.byte(role: role) | 0x04] {
                result.append(("\(side)-conversation-\(configuration)", serialize(configuration, [peerHello] + frames)))
            }
            for (index, frame) in frames.enumerated() {
                result.append(("\(side)-\(index)-\(frame.type)", serialize(FuzzConfiguration.byte(role: role), [peerHello, frame])))
            }
        }
        return result
    }

    private static func serialize(_ configuration: UInt8, _ frames: [Frame]) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: [configuration])
        for frame in frames {
            do throws(WireEncodingError) { try FrameSerializer.write(frame, into: &buffer) } catch { fatalError("seed \(frame): \(error)") }
        }
        return buffer
    }

    static let compressible = ByteBuffer(string: String(repeating: "grid 7 canteen menu: rice, tofu, greens; ", count: 60))

    private static func compressed(_ message: ByteBuffer) -> Payload {
        guard let payload = PayloadCompression.compressIfWorthIt(message) else { fatalError("seed message does not compress") }
        return payload
    }

    private static func framesToServer() -> [Frame] {
        let metadata = [
            MetadataEntry(key: .traceparent, value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            MetadataEntry(key: .idempotencyKey, value: "ticket-2026-0042"),
            MetadataEntry(key: MetadataKey.principal.rawValue, value: ByteBuffer(bytes: [0x0A, 0x03, 0x75, 0x31, 0x32, 0x10, 0x02])),
        ]
        return [
            .request(id: 1, Request(timeoutMilliseconds: 2_000, method: "township.intake.v1.Intake/SubmitTicket", metadata: metadata,
                payload: Payload(ByteBuffer(string: "临时用电一直没有接通, grid 7")))),
            .message(id: 1, Payload(ByteBuffer(string: "second part"))),
            .message(id: 1, compressed(compressible)),
            .credit(id: 1, increment: 8),
            .endStream(id: 1),
            .request(id: 2, Request(method: "township.jobs.v1.JobFair/Search", payload: compressed(compressible))),
            .cancel(id: 2),
            .ping(0x0102_0304_0506_0708),
            .pong(7),
            .goAway(GoAway(lastRequestID: 0, code: .ok, message: "client leaving")),
        ]
    }

    private static func framesToClient() -> [Frame] {
        [
            .response(id: 1, Payload(ByteBuffer(string: "ticket T-42 accepted"))),
            .message(id: 2, compressed(compressible)),
            .credit(id: 2, increment: 4),
            .endStream(id: 2),
            .error(id: 3, CallFailure(status: .permissionDenied, message: "not your grid", details: ByteBuffer(bytes: [0x08, 0x07]))),
            .refused(id: 4, Refusal(status: .unavailable, message: "server is draining")),
            .ping(42),
            .goAway(GoAway(lastRequestID: 4, code: .ok, message: "draining")),
        ]
    }
}
