import NIOCore
import Testing

@testable import TownshipWire

/// A frame the serializer refuses must leave the buffer as it was: a caller that batches
/// several frames into one buffer and skips a bad one would otherwise put the refused
/// frame's zero length prefix and header on the wire, desynchronising the peer.
@Suite struct FrameSerializerFailureTests {
    static let refusedFrames: [Frame] = [
        .request(id: 1, Request(method: "")),
        .request(id: 1, Request(method: String(repeating: "m", count: 256))),
        .request(id: 1, Request(method: "township.intake.v1.Intake/Submit",
            metadata: [MetadataEntry(key: 0x7F, value: ByteBuffer(repeating: 0, count: 9_000))])),
        .error(id: 2, CallFailure(status: .ok, message: "")),
        .error(id: 2, CallFailure(status: .internal, message: String(repeating: "e", count: 1_025))),
        .refused(id: 3, Refusal(status: .unavailable, message: String(repeating: "r", count: 1_025))),
        .goAway(GoAway(lastRequestID: 0, code: .ok, message: String(repeating: "g", count: 1_025))),
        .hello(Hello(agent: String(repeating: "a", count: 256))),
        .credit(id: 4, increment: 0),
    ]

    @Test(arguments: refusedFrames)
    func aRefusedFrameLeavesTheBufferUnchanged(_ frame: Frame) throws {
        var buffer = ByteBuffer()
        try FrameSerializer.write(.ping(1), into: &buffer)
        let before = buffer

        #expect(throws: WireEncodingError.self) { try FrameSerializer.write(frame, into: &buffer) }

        #expect(buffer == before, "the refused \(frame.type) left \(buffer.readableBytes - before.readableBytes) bytes behind")
        var decoder = FrameDecoder(pastHello: true)
        #expect(try decoder.decodeFrame(&buffer) == .ping(1))
        #expect(buffer.readableBytes == 0)
    }
}
