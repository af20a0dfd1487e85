import NIOCore
import NIOEmbedded
import Testing

@testable import TownshipWire

@Suite struct CodecRoundTripTests {
    static let samples: [Frame] = [
        .hello(Hello(agent: "township-swift/1")),
        .hello(Hello(maxConcurrentRequests: 7, isAck: true)),
        .ping(0x0102_0304_0506_0708),
        .pong(42),
        .goAway(GoAway(lastRequestID: 9, code: .ok, message: "draining 驾驶舱")),
        .request(id: 1, Request(
            timeoutMilliseconds: 2_500, method: "township.intake.v1.Intake/SubmitTicket",
            metadata: [MetadataEntry(key: .idempotencyKey, value: "abc-123")],
            payload: Payload(ByteBuffer(string: "临时用电一直没有接通")))),
        .response(id: 1, Payload(ByteBuffer(bytes: [0, 1, 2]))),
        .message(id: 3, Payload(ByteBuffer())),
        .endStream(id: 3),
        .error(id: 4, CallFailure(status: .failedPrecondition, message: "cannot sign a closed ticket", details: ByteBuffer(bytes: [8, 1]))),
        .cancel(id: 5),
        .refused(id: 6, Refusal(status: .resourceExhausted, message: "busy")),
        .credit(id: 7, increment: 16),
    ]

    @Test(arguments: samples)
    func serializeThenParseGivesTheSameFrame(_ frame: Frame) throws {
        var buffer = ByteBuffer()
        try FrameSerializer.write(frame, into: &buffer)
        var decoder = FrameDecoder(pastHello: true)
        #expect(try decoder.decodeFrame(&buffer) == frame)
        #expect(buffer.readableBytes == 0)
    }

    /// The stream arrives one byte at a time: the handler must wait for whole frames and
    /// deliver each exactly once, in order.
    @Test func decoderReassemblesFramesSplitAnywhere() throws {
        let channel = EmbeddedChannel(handlers: [ByteToMessageHandler(FrameDecoder()), MessageToByteHandler(FrameEncoder())])
        var wire = ByteBuffer()
        for frame in Self.samples { try FrameSerializer.write(frame, into: &wire) }
        while let byte = wire.readSlice(length: 1) { try channel.writeInbound(byte) }
        for frame in Self.samples { #expect(try channel.readInbound(as: Frame.self) == frame) }
        #expect(try channel.readInbound(as: Frame.self) == nil)
        _ = try channel.finish()
    }

    @Test func encoderWritesWhatTheSerializerWrites() throws {
        let channel = EmbeddedChannel(handlers: [MessageToByteHandler(FrameEncoder())])
        try channel.writeOutbound(Frame.ping(1))
        var expected = ByteBuffer()
        try FrameSerializer.write(.ping(1), into: &expected)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == expected)
        _ = try channel.finish()
    }

    @Test func payloadsAreSlicesNotCopies() throws {
        var buffer = ByteBuffer()
        try FrameSerializer.write(.message(id: 1, Payload(ByteBuffer(repeating: 7, count: 4096))), into: &buffer)
        let base = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        var decoder = FrameDecoder(pastHello: true)
        guard case .message(_, let payload) = try decoder.decodeFrame(&buffer) else { Issue.record("not a message"); return }
        let payloadBase = payload.bytes.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(payloadBase == base + 10)
    }

    @Test func oversizeIsRejectedFromThePrefixAlone() {
        var decoder = FrameDecoder(maxFrameSize: 16_384, pastHello: true)
        var prefixOnly = ByteBuffer(bytes: [0x00, 0x00, 0x40, 0x01])
        #expect(throws: WireConnectionError(.frameTooLarge, "frame Length 16385 exceeds the limit 16384")) {
            try decoder.decodeFrame(&prefixOnly)
        }
    }

    @Test func serializerRefusesToBreakLimits() {
        var buffer = ByteBuffer()
        let long = String(repeating: "x", count: 1_025)
        #expect(throws: WireEncodingError.self) { try FrameSerializer.write(.error(id: 1, CallFailure(status: .internal, message: long)), into: &buffer) }
        #expect(throws: WireEncodingError.self) { try FrameSerializer.write(.credit(id: 1, increment: 0), into: &buffer) }
        #expect(FrameSerializer.truncated("驾驶舱", toBytes: 7) == "驾驶")
    }
}

@Suite struct CompressionTests {
    @Test func compressesLargeMessagesAndInflatesThemBack() throws {
        let message = ByteBuffer(string: String(repeating: "社保卡更换后养老金银行网点太远。", count: 200))
        let compressed = try #require(PayloadCompression.compressIfWorthIt(message))
        #expect(compressed.isCompressed)
        #expect(compressed.bytes.readableBytes < message.readableBytes / 4)
        #expect(try PayloadCompression.inflate(compressed.bytes, cap: 1 << 20) == message)
    }

    @Test func smallOrIncompressibleMessagesStayPlain() {
        #expect(PayloadCompression.compressIfWorthIt(ByteBuffer(string: "short")) == nil)
        var generator = SystemRandomNumberGenerator()
        let noise = ByteBuffer(bytes: (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        #expect(PayloadCompression.compressIfWorthIt(noise) == nil)
    }

    @Test func aBombIsStoppedAtTheCap() throws {
        let zeros = ByteBuffer(repeating: 0, count: 1 << 20)
        var compressed = try #require(PayloadCompression.compressIfWorthIt(zeros)).bytes
        #expect(throws: WireConnectionError.self) { try PayloadCompression.inflate(compressed, cap: 65_536) }
        // A lie about the size: declared small, inflates large.
        compressed.setInteger(UInt32(1_000), at: compressed.readerIndex)
        #expect(throws: WireConnectionError.self) { try PayloadCompression.inflate(compressed, cap: 1 << 24) }
    }
}
