import Foundation
import NIOCore
import TownshipWire

/// The frames and payloads measured, built once. Sizes are those of a typical unary call
/// through the gateway: a ~100-byte protobuf message, the principal and an idempotency key.
enum Fixtures {
    static let method = "township.intake.v1.Intake/SubmitTicket"
    static let timeoutMilliseconds: UInt32 = 2_000
    static let idempotencyKey = "ticket-2026-0042"
    /// An encoded `township.common.v1.Principal`: user id, role, grid id, department id.
    static let principal: [UInt8] = Array("\u{0A}\u{06}u-1042\u{10}\u{02}\u{1A}\u{07}grid-07\u{22}\u{04}d-03".utf8)
    /// A 90-byte message body laid out as a protobuf-encoded ticket.
    static let requestMessage: [UInt8] = Array("\u{0A}\u{1E}临时用电一直没有接通\u{12}\u{0B}Grid 7, #12\u{18}\u{03}\u{22}\u{29}Please send an electrician before Friday.".utf8)
    static let responseMessage: [UInt8] = Array("\u{0A}\u{0A}T-2026-042\u{10}\u{01}\u{1A}\u{49}Accepted; assigned to grid worker 7-03, answer due within 3 working days.".utf8)

    static let request = Frame.request(id: 41, Request(
        timeoutMilliseconds: timeoutMilliseconds, method: method,
        metadata: [
            MetadataEntry(key: .idempotencyKey, value: idempotencyKey),
            MetadataEntry(key: MetadataKey.principal.rawValue, value: ByteBuffer(bytes: principal)),
        ],
        payload: Payload(ByteBuffer(bytes: requestMessage))))
    static let response = Frame.response(id: 41, Payload(ByteBuffer(bytes: responseMessage)))
    static let message64KiB = Frame.message(id: 43, Payload(ByteBuffer(repeating: 0x5A, count: 64 * 1_024)))
    static let ping = Frame.ping(0x0102_0304_0506_0708)

    /// 100 frames as one read off a busy connection might hold them.
    static let batch: [Frame] = (0..<20).flatMap { round -> [Frame] in
        let id = UInt32(100 + round)
        return [
            request.withID(id),
            .message(id: id, Payload(ByteBuffer(bytes: requestMessage))),
            .credit(id: id, increment: 8),
            response.withID(id),
            .ping(UInt64(round)),
        ]
    }

    /// 16 KiB of repetitive text, as a page of a JSON-ish list compresses.
    static let compressible16KiB: ByteBuffer = {
        let row = #"{"grid":"7-03","dish":"braised tofu","price_fen":800,"stock":42},"#
        var buffer = ByteBuffer()
        while buffer.readableBytes < 16 * 1_024 { buffer.writeString(row) }
        return buffer.getSlice(at: 0, length: 16 * 1_024)!
    }()

    static func serialized(_ frames: [Frame]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for frame in frames { try! FrameSerializer.write(frame, into: &buffer) }
        return buffer
    }

    /// The same REQUEST as the JSON envelope a hand-rolled HTTP/JSON RPC would send.
    static let jsonRequest = JSONRequestEnvelope(
        id: 41, method: method, timeoutMilliseconds: timeoutMilliseconds,
        metadata: ["idempotency-key": idempotencyKey, "principal": Data(principal).base64EncodedString()],
        payload: Data(requestMessage))
}

/// The common alternative to a binary envelope: Codable JSON, binary fields as base64
/// (`Data`'s default Codable form).
struct JSONRequestEnvelope: Codable, Equatable, Sendable {
    var id: UInt32
    var method: String
    var timeoutMilliseconds: UInt32
    var metadata: [String: String]
    var payload: Data
}

extension Frame {
    fileprivate func withID(_ id: UInt32) -> Frame {
        switch self {
        case .request(_, let request): .request(id: id, request)
        case .response(_, let payload): .response(id: id, payload)
        default: self
        }
    }
}
