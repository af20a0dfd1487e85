/// One TWP/1 frame, decoded (spec §3, §4).
public enum Frame: Hashable, Sendable {
    case hello(Hello)
    case ping(UInt64)
    case pong(UInt64)
    case goAway(GoAway)
    case request(id: UInt32, Request)
    case response(id: UInt32, Payload)
    case message(id: UInt32, Payload)
    case endStream(id: UInt32)
    case error(id: UInt32, CallFailure)
    case cancel(id: UInt32)
    case refused(id: UInt32, Refusal)
    case credit(id: UInt32, increment: UInt32)

    public var type: FrameType {
        switch self {
        case .hello: .hello
        case .ping: .ping
        case .pong: .pong
        case .goAway: .goAway
        case .request: .request
        case .response: .response
        case .message: .message
        case .endStream: .endStream
        case .error: .error
        case .cancel: .cancel
        case .refused: .refused
        case .credit: .credit
        }
    }

    /// 0 for connection frames.
    public var requestID: UInt32 {
        switch self {
        case .hello, .ping, .pong, .goAway: 0
        case .request(let id, _), .response(let id, _), .message(let id, _), .endStream(let id),
            .error(let id, _), .cancel(let id), .refused(let id, _), .credit(let id, _):
            id
        }
    }

    public var flags: FrameFlags {
        switch self {
        case .hello(let hello): hello.isAck ? .ack : []
        case .request(_, let request): request.payload.isCompressed ? .compressed : []
        case .response(_, let payload), .message(_, let payload): payload.isCompressed ? .compressed : []
        default: []
        }
    }
}
