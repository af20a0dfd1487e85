import NIOCore

/// A frame this side was about to send breaks a limit of the spec: a bug of the caller's,
/// reported instead of putting a malformed frame on the wire.
public struct WireEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// Writes frames in the exact layout of spec §3 and §4.
public enum FrameSerializer {
    /// Appends `frame`, length prefix included, to `buffer`. Payload bytes are copied once,
    /// into `buffer`; nothing else is allocated.
    /// On error `buffer` is left as it was: no partial frame is ever left behind.
    public static func write(_ frame: Frame, into buffer: inout ByteBuffer) throws(WireEncodingError) {
        let start = buffer.writerIndex
        do {
            try writeFrame(frame, into: &buffer, start: start)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    private static func writeFrame(_ frame: Frame, into buffer: inout ByteBuffer, start: Int) throws(WireEncodingError) {
        buffer.writeInteger(UInt32(0))  // Length, patched below.
        buffer.writeInteger(frame.type.rawValue)
        buffer.writeInteger(frame.flags.rawValue)
        buffer.writeInteger(frame.requestID)

        switch frame {
        case .hello(let hello):
            buffer.writeInteger(hello.version)
            buffer.writeInteger(hello.maxFrameSize)
            buffer.writeInteger(hello.maxConcurrentRequests)
            buffer.writeInteger(hello.initialStreamCredit)
            buffer.writeInteger(hello.capabilities.rawValue)
            buffer.writeInteger(UInt32(0))  // reserved
            try writeText(hello.agent, lengthAs: UInt8.self, max: 255, field: "HELLO agent", into: &buffer)
        case .ping(let data), .pong(let data):
            buffer.writeInteger(data)
        case .goAway(let goAway):
            buffer.writeInteger(goAway.lastRequestID)
            buffer.writeInteger(goAway.code.rawValue)
            try writeText(goAway.message, lengthAs: UInt16.self, max: WireLimits.maxTextMessageLength, field: "GOAWAY message", into: &buffer)
        case .request(_, let request):
            buffer.writeInteger(request.timeoutMilliseconds)
            guard !request.method.isEmpty else { throw WireEncodingError(reason: "REQUEST method is empty") }
            try writeText(request.method, lengthAs: UInt16.self, max: WireLimits.maxMethodLength, field: "REQUEST method", into: &buffer)
            let metadataStart = buffer.writerIndex
            buffer.writeInteger(UInt16(0))  // metadata_len, patched below.
            for entry in request.metadata {
                guard entry.value.readableBytes <= Int(UInt16.max) else {
                    throw WireEncodingError(reason: "metadata value for key \(entry.key) is too long")
                }
                buffer.writeInteger(entry.key)
                buffer.writeInteger(UInt16(entry.value.readableBytes))
                buffer.writeImmutableBuffer(entry.value)
            }
            let metadataLength = buffer.writerIndex - metadataStart - 2
            guard metadataLength <= WireLimits.maxMetadataLength else {
                throw WireEncodingError(reason: "metadata block of \(metadataLength) bytes exceeds 8192")
            }
            buffer.setInteger(UInt16(metadataLength), at: metadataStart)
            buffer.writeImmutableBuffer(request.payload.bytes)
        case .response(_, let payload), .message(_, let payload):
            buffer.writeImmutableBuffer(payload.bytes)
        case .endStream, .cancel:
            break
        case .error(_, let failure):
            guard failure.status != .ok else { throw WireEncodingError(reason: "ERROR with status OK") }
            buffer.writeInteger(failure.status.rawValue)
            try writeText(failure.message, lengthAs: UInt16.self, max: WireLimits.maxTextMessageLength, field: "ERROR message", into: &buffer)
            buffer.writeImmutableBuffer(failure.details)
        case .refused(_, let refusal):
            guard refusal.status != .ok else { throw WireEncodingError(reason: "REFUSED with status OK") }
            buffer.writeInteger(refusal.status.rawValue)
            try writeText(refusal.message, lengthAs: UInt16.self, max: WireLimits.maxTextMessageLength, field: "REFUSED message", into: &buffer)
        case .credit(_, let increment):
            guard (1...WireLimits.maxCreditIncrement).contains(increment) else {
                throw WireEncodingError(reason: "CREDIT increment \(increment) is outside 1...1024")
            }
            buffer.writeInteger(increment)
        }

        let length = buffer.writerIndex - start - WireLimits.lengthPrefixSize
        guard length <= Int(WireLimits.maxMaxFrameSize) else {
            throw WireEncodingError(reason: "frame of \(length) bytes exceeds the protocol's largest frame")
        }
        buffer.setInteger(UInt32(length), at: start)
    }

    /// Cuts a text to at most `max` UTF-8 bytes on a character boundary, for messages built
    /// from arbitrary error text.
    public static func truncated(_ text: String, toBytes max: Int = WireLimits.maxTextMessageLength) -> String {
        guard text.utf8.count > max else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > max { break }
            result.append(character)
            used += size
        }
        return result
    }

    private static func writeText<L: FixedWidthInteger>(
        _ text: String, lengthAs: L.Type, max: Int, field: String, into buffer: inout ByteBuffer
    ) throws(WireEncodingError) {
        let count = text.utf8.count
        guard count <= max else { throw WireEncodingError(reason: "\(field) of \(count) bytes exceeds \(max)") }
        buffer.writeInteger(L(count))
        buffer.writeString(text)
    }
}
