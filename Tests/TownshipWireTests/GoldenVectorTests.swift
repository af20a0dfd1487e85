import Foundation
import NIOCore
import Testing

@testable import TownshipWire

/// Every vector of proto-spec/vectors/frames.json through the decoder and the connection
/// state machine, and every `encode: true` vector back through the serializer.
@Suite struct GoldenVectorTests {
    static let vectors: [GoldenVector] = GoldenVector.loadAll()

    @Test func theVectorFileIsComplete() {
        #expect(Self.vectors.count >= 60)
        let types = Set(Self.vectors.flatMap(\.expectedFrameTypes))
        for type in FrameType.allCases {
            #expect(types.contains(type.description), "no vector decodes a \(type) frame")
        }
        let codes = Set(Self.vectors.compactMap(\.expectedConnectionError))
        for code in ["PROTOCOL_ERROR", "FRAME_TOO_LARGE", "UNSUPPORTED_VERSION", "COMPRESSION_ERROR", "FLOW_CONTROL_ERROR"] {
            #expect(codes.contains(code), "no vector expects \(code)")
        }
    }

    @Test(arguments: vectors)
    func vector(_ vector: GoldenVector) throws {
        let result = try vector.run()
        #expect(result.frames == vector.expectedFramesJSON, "frames of \(vector.name)")
        #expect(result.outcome == vector.expectedOutcomeJSON, "outcome of \(vector.name)")
        if let expected = vector.expectedLastRequestID {
            #expect(result.lastRequestID == expected, "GOAWAY last_request_id of \(vector.name)")
        }
        if vector.encode {
            var out = ByteBuffer()
            for frame in result.decoded { try FrameSerializer.write(frame, into: &out) }
            #expect(out == vector.input, "re-encoding of \(vector.name)")
        }
    }
}
