import NIOCore

/// The rules of spec §2, §5, §8, §9 and §10 for one connection, with no I/O: it is told every
/// frame this side sends (`willSend`) and every frame read (`received`) and says what to do.
/// Both the RPC runtime and the golden-vector tests drive it, so the reactions the spec
/// requires live in exactly one place.
public struct ConnectionStateMachine: Sendable {
    public enum Role: Sendable, Hashable { case client, server }

    /// What the owner of the connection must do with a frame it read.
    public enum Action: Hashable, Sendable {
        /// Hand the frame on; a compressed payload has been inflated.
        case deliver(Frame)
        /// A late frame for a call that has ended (spec §5).
        case ignore
        /// Send ERROR for the call; the connection stays.
        case failCall(id: UInt32, CallFailure)
        /// Send REFUSED for the call; it was not processed.
        case refuse(id: UInt32, Refusal)
        /// Send GOAWAY(`lastRequestID`, error.code) and close.
        case close(WireConnectionError, lastRequestID: UInt32)
    }

    struct Call: Sendable {
        /// The peer has sent END_STREAM (server side: the client's messages are done).
        var peerEnded = false
        /// MESSAGE frames the peer may still send us.
        var receiveCredit: UInt32
        /// MESSAGE frames we may still send.
        var sendCredit: UInt32
    }

    public let role: Role
    /// Our HELLO: the limits we enforce on what we receive.
    public let local: Hello
    public private(set) var peer: Hello?
    public private(set) var sentGoAway: GoAway?
    public private(set) var receivedGoAway: GoAway?
    /// Server: the highest request id received. Client: the highest request id sent.
    public private(set) var highestRequestID: UInt32 = 0
    private var calls: [UInt32: Call] = [:]
    private let allocator = ByteBufferAllocator()

    public init(role: Role, local: Hello) {
        self.role = role
        self.local = local
    }

    public var openCallCount: Int { calls.count }
    public func isCallOpen(_ id: UInt32) -> Bool { calls[id] != nil }

    /// Compression is used only when both HELLOs advertise it (spec §8).
    public var compressionNegotiated: Bool {
        local.capabilities.contains(.zlib) && (peer?.capabilities.contains(.zlib) ?? false)
    }

    /// MESSAGE frames this side may send on `id` now.
    public func sendCredit(for id: UInt32) -> UInt32 { calls[id]?.sendCredit ?? 0 }

    /// The id a GOAWAY from this side carries.
    public var goAwayLastRequestID: UInt32 { role == .server ? highestRequestID : 0 }

    // MARK: Receiving

    public mutating func received(_ frame: Frame) -> Action {
        do throws(WireConnectionError) {
            return try receive(frame)
        } catch {
            return .close(error, lastRequestID: goAwayLastRequestID)
        }
    }

    private mutating func receive(_ frame: Frame) throws(WireConnectionError) -> Action {
        let type = frame.type
        if (type.sender == .client && role == .client) || (type.sender == .server && role == .server) {
            throw .protocolError("\(type) may not be sent by a \(role == .client ? "server" : "client")")
        }
        guard let peer else { return try receiveBeforeHello(frame) }
        if frame.flags.contains(.compressed) && type != .hello && !compressionNegotiated {
            throw .protocolError("COMPRESSED \(type) but zlib was not negotiated")
        }

        switch frame {
        case .hello:
            throw .protocolError("a second HELLO")
        case .ping, .pong:
            return .deliver(frame)
        case .goAway(let goAway):
            receivedGoAway = goAway
            return .deliver(frame)
        case .request(let id, var request):
            return try receiveRequest(id: id, &request, peer: peer)
        case .message(let id, let payload):
            guard var call = try openCall(id, type) else { return .ignore }
            if role == .server && call.peerEnded {
                throw .protocolError("MESSAGE on request \(id) after its END_STREAM")
            }
            guard call.receiveCredit > 0 else {
                throw WireConnectionError(.flowControlError, "MESSAGE on request \(id) without credit")
            }
            call.receiveCredit -= 1
            calls[id] = call
            return .deliver(.message(id: id, try inflated(payload)))
        case .endStream(let id):
            guard var call = try openCall(id, type) else { return .ignore }
            if role == .server {
                guard !call.peerEnded else { throw .protocolError("a second END_STREAM on request \(id)") }
                call.peerEnded = true
                calls[id] = call
            } else {
                calls[id] = nil
            }
            return .deliver(frame)
        case .credit(let id, let increment):
            guard var call = try openCall(id, type) else { return .ignore }
            let total = UInt64(call.sendCredit) + UInt64(increment)
            guard total <= UInt64(WireLimits.maxAvailableCredit) else {
                throw WireConnectionError(.flowControlError, "CREDIT on request \(id) takes credit to \(total), over 65536")
            }
            call.sendCredit = UInt32(total)
            calls[id] = call
            return .deliver(frame)
        case .cancel(let id), .error(let id, _), .refused(let id, _):
            guard try openCall(id, type) != nil else { return .ignore }
            calls[id] = nil
            return .deliver(frame)
        case .response(let id, let payload):
            guard try openCall(id, type) != nil else { return .ignore }
            calls[id] = nil
            return .deliver(.response(id: id, try inflated(payload)))
        }
    }

    private mutating func receiveBeforeHello(_ frame: Frame) throws(WireConnectionError) -> Action {
        switch frame {
        case .hello(let hello):
            if role == .server && hello.isAck { throw .protocolError("a client's HELLO carries ACK") }
            if role == .client && !hello.isAck { throw .protocolError("the server's HELLO lacks ACK") }
            try hello.validate(sentByServer: role == .client)
            peer = hello
            return .deliver(frame)
        case .goAway(let goAway) where role == .client:
            // How a server turns a client away instead of answering its HELLO.
            receivedGoAway = goAway
            return .deliver(frame)
        default:
            throw .protocolError("\(frame.type) before HELLO")
        }
    }

    private mutating func receiveRequest(id: UInt32, _ request: inout Request, peer: Hello) throws(WireConnectionError) -> Action {
        guard id > highestRequestID else {
            throw .protocolError("REQUEST id \(id) is not above the previous \(highestRequestID)")
        }
        // A REQUEST that breaks the connection (here: its compressed message) was never
        // processed, so it does not count for GOAWAY's last_request_id (spec §4.2), just as
        // a REQUEST that fails to parse does not.
        request.payload = try inflated(request.payload)
        highestRequestID = id
        if sentGoAway != nil {
            return .refuse(id: id, Refusal(status: .unavailable, message: "server is draining"))
        }
        guard calls.count < Int(local.maxConcurrentRequests) else {
            return .refuse(id: id, Refusal(status: .resourceExhausted, message: "\(local.maxConcurrentRequests) calls already in progress"))
        }
        guard MethodName.isValid(request.method) else {
            return .failCall(id: id, CallFailure(status: .invalidArgument, message: "malformed method name"))
        }
        do throws(RequestMetadata.Invalid) {
            _ = try RequestMetadata(validating: request.metadata)
        } catch {
            return .failCall(id: id, CallFailure(status: .invalidArgument, message: error.reason))
        }
        calls[id] = Call(receiveCredit: UInt32(local.initialStreamCredit), sendCredit: UInt32(peer.initialStreamCredit))
        return .deliver(.request(id: id, request))
    }

    /// The call a call frame belongs to; nil for a late frame; a protocol error for an id
    /// that was never opened.
    private func openCall(_ id: UInt32, _ type: FrameType) throws(WireConnectionError) -> Call? {
        if let call = calls[id] { return call }
        guard id <= highestRequestID else {
            throw .protocolError("\(type) for request \(id), which was never opened")
        }
        return nil
    }

    private func inflated(_ payload: Payload) throws(WireConnectionError) -> Payload {
        guard payload.isCompressed else { return payload }
        return Payload(try PayloadCompression.inflate(payload.bytes, cap: local.maxFrameSize, allocator: allocator))
    }

    // MARK: Sending

    /// A frame this side may not send now: a bug of the caller's.
    public struct SendViolation: Error, Hashable, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Records a frame about to be sent; refuses what the spec forbids this side to send.
    public mutating func willSend(_ frame: Frame) throws(SendViolation) {
        switch frame {
        case .hello:
            break
        case .goAway(let goAway):
            sentGoAway = goAway
        case .request(let id, _):
            guard role == .client, let peer else { throw SendViolation(reason: "REQUEST before the server's HELLO") }
            guard id > highestRequestID else { throw SendViolation(reason: "request id \(id) does not increase") }
            highestRequestID = id
            calls[id] = Call(receiveCredit: UInt32(local.initialStreamCredit), sendCredit: UInt32(peer.initialStreamCredit))
        case .message(let id, _):
            guard var call = calls[id] else { throw SendViolation(reason: "MESSAGE for request \(id), which is not open") }
            guard call.sendCredit > 0 else { throw SendViolation(reason: "MESSAGE for request \(id) without credit") }
            call.sendCredit -= 1
            calls[id] = call
        case .credit(let id, let increment):
            guard var call = calls[id] else { return }
            call.receiveCredit += increment
            calls[id] = call
        case .endStream(let id):
            if role == .server { calls[id] = nil }
        case .response(let id, _), .error(let id, _), .refused(let id, _), .cancel(let id):
            calls[id] = nil
        case .ping, .pong:
            break
        }
    }
}
