import NIOCore

/// Turns one frame's bytes (after the length prefix) into a `Frame`, applying every rule of
/// spec §4 and §10 that depends on the frame alone. Payloads stay slices of the input.
enum FrameParser {
    static func parse(_ frame: inout ByteBuffer) throws(WireConnectionError) -> Frame {
        guard let typeByte = frame.readInteger(as: UInt8.self),
            let flagByte = frame.readInteger(as: UInt8.self),
            let id = frame.readInteger(as: UInt32.self)
        else { throw .protocolError("frame shorter than its 6-byte header") }

        guard let type = FrameType(rawValue: typeByte) else {
            throw .protocolError("unknown frame type 0x\(String(typeByte, radix: 16))")
        }
        let flags = FrameFlags(rawValue: flagByte)
        guard type.allowedFlags.isSuperset(of: flags) else {
            throw .protocolError("flags 0x\(String(flagByte, radix: 16)) not allowed on \(type)")
        }
        if type.isConnectionFrame && id != 0 {
            throw .protocolError("\(type) must carry request id 0, got \(id)")
        }
        if !type.isConnectionFrame && id == 0 {
            throw .protocolError("\(type) must carry a non-zero request id")
        }

        switch type {
        case .hello: return .hello(try parseHello(&frame, isAck: flags.contains(.ack)))
        case .ping: return .ping(try readPingData(&frame, type))
        case .pong: return .pong(try readPingData(&frame, type))
        case .goAway: return .goAway(try parseGoAway(&frame))
        case .request: return .request(id: id, try parseRequest(&frame, compressed: flags.contains(.compressed)))
        case .response: return .response(id: id, Payload(frame, isCompressed: flags.contains(.compressed)))
        case .message: return .message(id: id, Payload(frame, isCompressed: flags.contains(.compressed)))
        case .endStream:
            try requireEmpty(frame, type)
            return .endStream(id: id)
        case .cancel:
            try requireEmpty(frame, type)
            return .cancel(id: id)
        case .error: return .error(id: id, try parseError(&frame))
        case .refused: return .refused(id: id, try parseRefusal(&frame))
        case .credit: return .credit(id: id, increment: try parseCredit(&frame))
        }
    }

    private static func parseHello(_ body: inout ByteBuffer, isAck: Bool) throws(WireConnectionError) -> Hello {
        // The version comes first and is checked first: another major version may lay out
        // the rest of its HELLO differently.
        guard let version = body.readInteger(as: UInt16.self) else {
            throw .protocolError("HELLO body shorter than 19 bytes")
        }
        guard version == WireLimits.protocolVersion else {
            throw WireConnectionError(.unsupportedVersion, "peer speaks version \(version); supported: 1")
        }
        guard body.readableBytes >= WireLimits.helloFixedSize - 2,
            let maxFrameSize = body.readInteger(as: UInt32.self),
            let maxConcurrent = body.readInteger(as: UInt16.self),
            let credit = body.readInteger(as: UInt16.self),
            let capabilities = body.readInteger(as: UInt32.self),
            body.readInteger(as: UInt32.self) != nil,  // reserved
            let agentLength = body.readInteger(as: UInt8.self)
        else { throw .protocolError("HELLO body shorter than 19 bytes") }
        let agent = try readText(&body, length: Int(agentLength), field: "HELLO agent")
        // Trailing bytes are v1 extensions (spec §12): ignored.
        return Hello(
            version: version, maxFrameSize: maxFrameSize, maxConcurrentRequests: maxConcurrent,
            initialStreamCredit: credit, capabilities: Capabilities(rawValue: capabilities),
            agent: agent, isAck: isAck)
    }

    private static func parseGoAway(_ body: inout ByteBuffer) throws(WireConnectionError) -> GoAway {
        guard let last = body.readInteger(as: UInt32.self), let code = body.readInteger(as: UInt16.self) else {
            throw .protocolError("GOAWAY body shorter than 8 bytes")
        }
        let message = try readLengthPrefixedMessage(&body, field: "GOAWAY message")
        try requireEmpty(body, .goAway)
        return GoAway(lastRequestID: last, code: ConnectionErrorCode(rawValue: code), message: message)
    }

    private static func parseRequest(_ body: inout ByteBuffer, compressed: Bool) throws(WireConnectionError) -> Request {
        guard let timeout = body.readInteger(as: UInt32.self), let methodLength = body.readInteger(as: UInt16.self) else {
            throw .protocolError("REQUEST body shorter than its fixed fields")
        }
        guard methodLength >= 1, methodLength <= WireLimits.maxMethodLength else {
            throw .protocolError("REQUEST method length \(methodLength) is outside 1...255")
        }
        let method = try readText(&body, length: Int(methodLength), field: "REQUEST method")
        guard let metadataLength = body.readInteger(as: UInt16.self) else {
            throw .protocolError("REQUEST body ends before metadata_len")
        }
        guard metadataLength <= WireLimits.maxMetadataLength else {
            throw .protocolError("REQUEST metadata block of \(metadataLength) bytes exceeds 8192")
        }
        guard var block = body.readSlice(length: Int(metadataLength)) else {
            throw .protocolError("REQUEST metadata_len \(metadataLength) runs past the frame")
        }
        var metadata: [MetadataEntry] = []
        while block.readableBytes > 0 {
            guard let key = block.readInteger(as: UInt8.self), let length = block.readInteger(as: UInt16.self) else {
                throw .protocolError("REQUEST metadata entry header runs past metadata_len")
            }
            guard let value = block.readSlice(length: Int(length)) else {
                throw .protocolError("REQUEST metadata value of \(length) bytes runs past metadata_len")
            }
            metadata.append(MetadataEntry(key: key, value: value))
        }
        return Request(timeoutMilliseconds: timeout, method: method, metadata: metadata, payload: Payload(body, isCompressed: compressed))
    }

    private static func parseError(_ body: inout ByteBuffer) throws(WireConnectionError) -> CallFailure {
        guard let status = body.readInteger(as: UInt16.self) else {
            throw .protocolError("ERROR body shorter than 4 bytes")
        }
        guard status != CallStatus.ok.rawValue else { throw .protocolError("ERROR with status OK") }
        let message = try readLengthPrefixedMessage(&body, field: "ERROR message")
        return CallFailure(status: CallStatus(rawValue: status), message: message, details: body)
    }

    private static func parseRefusal(_ body: inout ByteBuffer) throws(WireConnectionError) -> Refusal {
        guard let status = body.readInteger(as: UInt16.self) else {
            throw .protocolError("REFUSED body shorter than 4 bytes")
        }
        guard status != CallStatus.ok.rawValue else { throw .protocolError("REFUSED with status OK") }
        let message = try readLengthPrefixedMessage(&body, field: "REFUSED message")
        try requireEmpty(body, .refused)
        return Refusal(status: CallStatus(rawValue: status), message: message)
    }

    private static func parseCredit(_ body: inout ByteBuffer) throws(WireConnectionError) -> UInt32 {
        guard body.readableBytes == 4, let increment = body.readInteger(as: UInt32.self) else {
            throw .protocolError("CREDIT body must be exactly 4 bytes, got \(body.readableBytes)")
        }
        guard (1...WireLimits.maxCreditIncrement).contains(increment) else {
            throw .protocolError("CREDIT increment \(increment) is outside 1...1024")
        }
        return increment
    }

    private static func readPingData(_ body: inout ByteBuffer, _ type: FrameType) throws(WireConnectionError) -> UInt64 {
        guard body.readableBytes == WireLimits.pingSize, let data = body.readInteger(as: UInt64.self) else {
            throw .protocolError("\(type) body must be exactly 8 bytes, got \(body.readableBytes)")
        }
        return data
    }

    private static func readLengthPrefixedMessage(_ body: inout ByteBuffer, field: String) throws(WireConnectionError) -> String {
        guard let length = body.readInteger(as: UInt16.self) else {
            throw .protocolError("\(field) length missing")
        }
        guard length <= WireLimits.maxTextMessageLength else {
            throw .protocolError("\(field) of \(length) bytes exceeds 1024")
        }
        return try readText(&body, length: Int(length), field: field)
    }

    private static func readText(_ body: inout ByteBuffer, length: Int, field: String) throws(WireConnectionError) -> String {
        guard let bytes = body.readSlice(length: length) else {
            throw .protocolError("\(field) length \(length) runs past the frame")
        }
        guard let text = bytes.readableBytesView.withContiguousStorageIfAvailable({ String(validating: $0, as: UTF8.self) }) ?? String(validating: Array(bytes.readableBytesView), as: UTF8.self) else {
            throw .protocolError("\(field) is not valid UTF-8")
        }
        return text
    }

    private static func requireEmpty(_ body: ByteBuffer, _ type: FrameType) throws(WireConnectionError) {
        guard body.readableBytes == 0 else {
            throw .protocolError("\(type) has \(body.readableBytes) unexpected body bytes")
        }
    }
}
