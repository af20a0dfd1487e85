import NIOCore
import TownshipWire

/// The properties checked on every input. Each returns a digest of what it saw, which the
/// entry point sinks so the optimiser keeps the decoding.
enum DecoderProperties {
    static func check(_ stream: ByteBuffer, _ configuration: FuzzConfiguration) -> Int {
        let maxFrameSize = FuzzConfiguration.maxFrameSize
        let whole = StreamDecoding.decode(stream, maxFrameSize: maxFrameSize, chunkSize: nil)
        if let chunkSize = configuration.chunkSize {
            // Differential: how the stream is cut into reads must not change what is decoded.
            let chunked = StreamDecoding.decode(stream, maxFrameSize: maxFrameSize, chunkSize: chunkSize)
            require(chunked == whole, "reads of \(chunkSize) bytes decode \(chunked) but one read decodes \(whole)")
        }
        var digest = whole.frames.count &+ whole.bytesWaiting &+ Int(whole.error?.code.rawValue ?? 0)
        for decoded in whole.frames {
            AllocationLimits.checkDecoded(decoded, maxFrameSize: maxFrameSize)
            digest &+= RoundTrip.check(decoded, maxFrameSize: maxFrameSize)
        }
        digest &+= StateMachineDriver.run(whole.frames.map(\.frame), configuration)
        return digest
    }
}

/// Re-serializing a decoded frame and parsing the result gives the same frame; for every
/// type but HELLO (whose reserved field and v1 extensions are not kept) the same bytes too.
enum RoundTrip {
    static func check(_ decoded: DecodedFrame, maxFrameSize: UInt32) -> Int {
        var reserialized = ByteBuffer()
        do throws(WireEncodingError) {
            try FrameSerializer.write(decoded.frame, into: &reserialized)
        } catch {
            require(false, "decoded \(decoded.frame) but cannot serialize it: \(error)")
        }
        if decoded.frame.type != .hello {
            require(reserialized == decoded.wireBytes, "\(decoded.frame) re-serializes to other bytes: \(reserialized.hexDump(format: .plain)) vs \(decoded.wireBytes.hexDump(format: .plain))")
        }
        let size = reserialized.readableBytes
        var decoder = FrameDecoder(maxFrameSize: maxFrameSize, pastHello: true)
        do throws(WireConnectionError) {
            let again = try decoder.decodeFrame(&reserialized)
            require(again == decoded.frame, "\(decoded.frame) parses back as \(String(describing: again))")
            if case .hello(let original) = decoded.frame, case .hello(let parsed)? = again {
                // String == is canonical equivalence; the agent's bytes must survive exactly.
                require(Array(original.agent.utf8) == Array(parsed.agent.utf8), "HELLO agent bytes changed")
            }
        } catch {
            require(false, "\(decoded.frame) re-serialized does not parse: \(error)")
        }
        require(reserialized.readableBytes == 0, "\(decoded.frame) re-serialized leaves \(reserialized.readableBytes) bytes")
        return size
    }
}

/// No decoded or inflated payload may exceed the receiver's max_frame_size, whatever the
/// peer declares.
enum AllocationLimits {
    static func checkDecoded(_ decoded: DecodedFrame, maxFrameSize: UInt32) {
        let limit = Int(maxFrameSize)
        require(decoded.wireBytes.readableBytes <= WireLimitsForFuzz.prefix + limit, "a frame of \(decoded.wireBytes.readableBytes) bytes passed a limit of \(limit)")
        for part in parts(of: decoded.frame) {
            require(part.readableBytes <= limit, "a decoded part of \(part.readableBytes) bytes exceeds \(limit)")
        }
    }

    /// An inflated payload is a new allocation: its size and its buffer's capacity are bounded.
    static func checkInflated(_ payload: Payload, maxFrameSize: UInt32) {
        let limit = Int(maxFrameSize)
        require(!payload.isCompressed, "a delivered payload is still compressed")
        require(payload.bytes.readableBytes <= limit, "inflated \(payload.bytes.readableBytes) bytes, over \(limit)")
        // One spare byte for overrun detection, rounded up to a power of two by NIO.
        require(payload.bytes.capacity <= 2 * limit, "inflated payload holds a \(payload.bytes.capacity)-byte buffer, over 2 × \(limit)")
    }

    static func parts(of frame: Frame) -> [ByteBuffer] {
        switch frame {
        case .request(_, let request): [request.payload.bytes] + request.metadata.map(\.value)
        case .response(_, let payload), .message(_, let payload): [payload.bytes]
        case .error(_, let failure): [failure.details]
        default: []
        }
    }
}

enum WireLimitsForFuzz {
    static let prefix = WireLimits.lengthPrefixSize
}
