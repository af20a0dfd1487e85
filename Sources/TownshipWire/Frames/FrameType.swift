/// The frame types of spec §4 with the rules that depend on the type alone.
public enum FrameType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case hello = 0x01
    case ping = 0x02
    case pong = 0x03
    case goAway = 0x04
    case request = 0x10
    case response = 0x11
    case message = 0x12
    case endStream = 0x13
    case error = 0x14
    case cancel = 0x15
    case refused = 0x16
    case credit = 0x17

    /// Connection frames carry request id 0; call frames a non-zero id.
    public var isConnectionFrame: Bool {
        switch self {
        case .hello, .ping, .pong, .goAway: true
        default: false
        }
    }

    /// The flag bits a frame of this type may carry; any other bit is a protocol error.
    public var allowedFlags: FrameFlags {
        switch self {
        case .hello: .ack
        case .request, .response, .message: .compressed
        default: []
        }
    }

    public enum Sender: Sendable { case client, server, either }

    public var sender: Sender {
        switch self {
        case .request, .cancel: .client
        case .response, .error, .refused: .server
        default: .either
        }
    }

    public var description: String {
        switch self {
        case .hello: "HELLO"
        case .ping: "PING"
        case .pong: "PONG"
        case .goAway: "GOAWAY"
        case .request: "REQUEST"
        case .response: "RESPONSE"
        case .message: "MESSAGE"
        case .endStream: "END_STREAM"
        case .error: "ERROR"
        case .cancel: "CANCEL"
        case .refused: "REFUSED"
        case .credit: "CREDIT"
        }
    }
}

public struct FrameFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// On HELLO: this is the server's answer.
    public static let ack = FrameFlags(rawValue: 0x01)
    /// On REQUEST, RESPONSE, MESSAGE: the message part is zlib-compressed (spec §8).
    public static let compressed = FrameFlags(rawValue: 0x01)
}
