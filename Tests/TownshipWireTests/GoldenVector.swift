import Foundation
import NIOCore
import Testing

@testable import TownshipWire

/// One vector of proto-spec/vectors/frames.json (format: proto-spec/vectors/README.md).
struct GoldenVector: Sendable, CustomTestStringConvertible {
    let name: String
    let receiver: ConnectionStateMachine.Role
    let local: Hello
    let setup: [(fromPeer: Bool, bytes: ByteBuffer)]
    let input: ByteBuffer
    let encode: Bool
    /// Canonical JSON text of the expected frames and outcome, so comparisons need no Any.
    let expectedFramesJSON: String
    let expectedOutcomeJSON: String
    let expectedFrameTypes: [String]
    let expectedConnectionError: String?
    /// For a connection error: the last_request_id its GOAWAY must carry, where the vector says.
    let expectedLastRequestID: UInt32?

    var testDescription: String { name }

    static func loadAll() -> [GoldenVector] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("proto-spec/vectors/frames.json")
        guard let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let defaults = root["defaults"] as? [String: Any],
            let vectors = root["vectors"] as? [[String: Any]]
        else { fatalError("cannot read \(url.path)") }
        return vectors.map { GoldenVector(json: $0, defaults: defaults) }
    }

    init(json: [String: Any], defaults: [String: Any]) {
        name = json["name"] as! String
        receiver = (json["receiver"] as! String) == "server" ? .server : .client
        let limits = defaults.merging(json["local"] as? [String: Any] ?? [:]) { $1 }
        local = Hello(
            maxFrameSize: UInt32(limits["max_frame_size"] as! Int),
            maxConcurrentRequests: UInt16(limits["max_concurrent_requests"] as! Int),
            initialStreamCredit: UInt16(limits["initial_stream_credit"] as! Int),
            capabilities: Capabilities(rawValue: UInt32(limits["capabilities"] as! Int)),
            isAck: receiver == .server)
        setup = (json["setup"] as? [[String: Any]] ?? []).map {
            (($0["from"] as! String) == "peer", ByteBuffer(hex: $0["hex"] as! String))
        }
        input = ByteBuffer(hex: json["input"] as! String)
        encode = json["encode"] as? Bool ?? false
        let expect = json["expect"] as! [String: Any]
        let frames = expect["frames"] as? [[String: Any]] ?? []
        expectedFramesJSON = canonicalJSON(frames)
        expectedOutcomeJSON = canonicalJSON(expect["outcome"] ?? "ok")
        expectedFrameTypes = frames.compactMap { $0["type"] as? String }
        expectedConnectionError = (expect["outcome"] as? [String: Any])?["connection_error"] as? String
        expectedLastRequestID = (expect["last_request_id"] as? Int).map { UInt32($0) }
    }

    struct Result {
        var decoded: [Frame] = []
        var frames: String = ""
        var outcome: String = ""
        /// The last_request_id of the GOAWAY a connection error sends.
        var lastRequestID: UInt32?
    }

    func run() throws -> Result {
        var machine = ConnectionStateMachine(role: receiver, local: local)
        var decoder = FrameDecoder(maxFrameSize: local.maxFrameSize)
        for (fromPeer, bytes) in setup {
            var bytes = bytes
            if fromPeer {
                guard let frame = try decoder.decodeFrame(&bytes), case .deliver = machine.received(frame) else {
                    throw SetupError(reason: "setup frame from peer not accepted in \(name)")
                }
            } else {
                var sentDecoder = FrameDecoder(maxFrameSize: WireLimits.maxMaxFrameSize, pastHello: true)
                guard let frame = try sentDecoder.decodeFrame(&bytes) else {
                    throw SetupError(reason: "setup frame from local side incomplete in \(name)")
                }
                try machine.willSend(frame)
            }
        }

        var result = Result()
        var buffer = input
        var outcome: Any = "ok"
        var wireFlags: [FrameFlags] = []
        // A frame that decodes but that the call's state rejects is still listed (vectors/README.md).
        func rejected(_ frame: Frame) {
            result.decoded.append(frame)
            wireFlags.append(frame.flags)
        }
        loop: while true {
            let frame: Frame?
            do {
                frame = try decoder.decodeFrame(&buffer)
            } catch {
                outcome = ["connection_error": error.code.name]
                result.lastRequestID = machine.goAwayLastRequestID
                break loop
            }
            guard let frame else {
                if buffer.readableBytes > 0 { outcome = "incomplete" }
                break loop
            }
            switch machine.received(frame) {
            case .deliver(let delivered):
                result.decoded.append(delivered)
                wireFlags.append(frame.flags)
            case .ignore:
                rejected(frame)
                outcome = "ignored"
                break loop
            case .failCall(let id, let failure):
                rejected(frame)
                outcome = ["call_error": ["request_id": Int(id), "status": failure.status.name]]
                break loop
            case .refuse(let id, let refusal):
                rejected(frame)
                outcome = ["refused": ["request_id": Int(id), "status": refusal.status.name]]
                break loop
            case .close(let error, let lastRequestID):
                outcome = ["connection_error": error.code.name]
                result.lastRequestID = lastRequestID
                break loop
            }
        }
        // Flags as they were on the wire: inflating a payload does not unset COMPRESSED.
        result.frames = canonicalJSON(zip(result.decoded, wireFlags).map { frame, flags in
            var object = frame.jsonObject
            object["flags"] = Int(flags.rawValue)
            return object
        })
        result.outcome = canonicalJSON(outcome)
        return result
    }

    struct SetupError: Error { var reason: String }
}

func canonicalJSON(_ value: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}

extension ByteBuffer {
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(hexDigit(high) << 4 | hexDigit(low)))
        }
        self.init(bytes: bytes)
    }

    var hex: String { readableBytesView.map { String(format: "%02x", $0) }.joined() }
}

private func hexDigit(_ c: UInt8) -> UInt8 {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    default: c - UInt8(ascii: "A") + 10
    }
}

extension Frame {
    /// The frame in the object form of proto-spec/vectors/README.md.
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["type": type.description, "flags": Int(flags.rawValue), "request_id": Int(requestID)]
        switch self {
        case .hello(let hello):
            object["version"] = Int(hello.version)
            object["max_frame_size"] = Int(hello.maxFrameSize)
            object["max_concurrent_requests"] = Int(hello.maxConcurrentRequests)
            object["initial_stream_credit"] = Int(hello.initialStreamCredit)
            object["capabilities"] = Int(hello.capabilities.rawValue)
            object["agent"] = hello.agent
        case .ping(let data), .pong(let data):
            var buffer = ByteBuffer()
            buffer.writeInteger(data)
            object["opaque_hex"] = buffer.hex
        case .goAway(let goAway):
            object["last_request_id"] = Int(goAway.lastRequestID)
            object["code"] = goAway.code.name
            object["message"] = goAway.message
        case .request(_, let request):
            object["timeout_ms"] = Int(request.timeoutMilliseconds)
            object["method"] = request.method
            object["metadata"] = request.metadata.map { ["key": Int($0.key), "value_hex": $0.value.hex] as [String: Any] }
            object["message_hex"] = request.payload.bytes.hex
        case .response(_, let payload), .message(_, let payload):
            object["message_hex"] = payload.bytes.hex
        case .endStream, .cancel:
            break
        case .error(_, let failure):
            object["status"] = failure.status.name
            object["message"] = failure.message
            object["details_hex"] = failure.details.hex
        case .refused(_, let refusal):
            object["status"] = refusal.status.name
            object["message"] = refusal.message
        case .credit(_, let increment):
            object["increment"] = Int(increment)
        }
        return object
    }
}
