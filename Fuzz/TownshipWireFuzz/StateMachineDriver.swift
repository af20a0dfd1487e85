import NIOCore
import TownshipWire

/// Plays the owner of a connection: feeds decoded frames to a `ConnectionStateMachine`,
/// performs the reactions it asks for, and checks them.
enum StateMachineDriver {
    static let method = "township.fuzz.v1.Fuzz/Call"
    /// A client sends these calls as soon as the server's HELLO arrives, so that answers to
    /// them are reachable.
    static let clientCallIDs: ClosedRange<UInt32> = 1...4

    static func run(_ frames: [Frame], _ configuration: FuzzConfiguration) -> Int {
        var machine = ConnectionStateMachine(role: configuration.role, local: configuration.local)
        let maxFrameSize = configuration.local.maxFrameSize
        var digest = 0
        for frame in frames {
            switch machine.received(frame) {
            case .deliver(let delivered):
                digest &+= Int(delivered.type.rawValue)
                checkDelivered(delivered, maxFrameSize: maxFrameSize)
                if case .hello = delivered, configuration.role == .client {
                    for id in clientCallIDs {
                        send(.request(id: id, Request(method: method)), &machine)
                    }
                }
            case .ignore:
                digest &+= 1
            case .failCall(let id, let failure):
                require(failure.status != .ok, "failCall with status OK")
                send(.error(id: id, failure), &machine)
                digest &+= Int(failure.status.rawValue)
            case .refuse(let id, let refusal):
                require(refusal.status != .ok, "refuse with status OK")
                send(.refused(id: id, refusal), &machine)
                digest &+= Int(refusal.status.rawValue)
            case .close(let error, let lastRequestID):
                let goAway = GoAway(lastRequestID: lastRequestID, code: error.code, message: FrameSerializer.truncated(error.reason))
                require(error.code != .ok, "closing with code OK: \(error)")
                send(.goAway(goAway), &machine)
                return digest &+ Int(error.code.rawValue)
            }
            if configuration.role == .server {
                require(machine.openCallCount <= Int(configuration.local.maxConcurrentRequests),
                    "\(machine.openCallCount) calls open, over \(configuration.local.maxConcurrentRequests)")
            }
        }
        return digest &+ machine.openCallCount
    }

    /// The reactions the state machine asks for must be sendable and encodable.
    private static func send(_ frame: Frame, _ machine: inout ConnectionStateMachine) {
        do throws(ConnectionStateMachine.SendViolation) {
            try machine.willSend(frame)
        } catch {
            require(false, "the state machine refuses its own reaction \(frame): \(error)")
        }
        var out = ByteBuffer()
        do throws(WireEncodingError) {
            try FrameSerializer.write(frame, into: &out)
        } catch {
            require(false, "the reaction \(frame) cannot be serialized: \(error)")
        }
        FuzzSink.absorb(out.readableBytes)
    }

    private static func checkDelivered(_ frame: Frame, maxFrameSize: UInt32) {
        let payload: Payload
        switch frame {
        case .request(_, let request): payload = request.payload
        case .response(_, let p), .message(_, let p): payload = p
        default: return
        }
        AllocationLimits.checkInflated(payload, maxFrameSize: maxFrameSize)
        CompressionRoundTrip.check(payload.bytes, maxFrameSize: maxFrameSize)
    }
}

/// Differential on the zlib form: what we compress inflates back to the same bytes.
enum CompressionRoundTrip {
    static func check(_ message: ByteBuffer, maxFrameSize: UInt32) {
        guard let compressed = PayloadCompression.compressIfWorthIt(message) else { return }
        require(compressed.isCompressed && compressed.bytes.readableBytes < message.readableBytes,
            "compressIfWorthIt returned \(compressed.bytes.readableBytes) bytes for \(message.readableBytes)")
        do throws(WireConnectionError) {
            let inflated = try PayloadCompression.inflate(compressed.bytes, cap: maxFrameSize)
            require(inflated == message, "compress then inflate changed \(message.readableBytes) bytes")
        } catch {
            require(false, "our own compressed form does not inflate: \(error)")
        }
    }
}
