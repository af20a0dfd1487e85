import NIOCore
import SwiftProtobuf
import Testing
import TownshipWire

extension RawTLSConnection {
    /// Sends `frames` in one write.
    func send(_ frames: [Frame]) async throws {
        var bytes = ByteBuffer()
        for frame in frames { try FrameSerializer.write(frame, into: &bytes) }
        try await send(bytes)
    }

    /// A client HELLO without zlib, so answers can be read as they are.
    static let hello = Frame.hello(Hello(maxConcurrentRequests: 0, capabilities: [], agent: "raw-test"))

    static func request(_ id: UInt32, _ method: String, _ message: some Message) throws -> Frame {
        .request(id: id, Request(method: method, payload: Payload(ByteBuffer(bytes: try message.serializedBytes() as [UInt8]))))
    }

    /// Waits until a received frame matches, for at most `limit`; returns it.
    func awaitFrame(within limit: Duration = .seconds(5), _ matches: (Frame) -> Bool) async throws -> Frame? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let frame = collector.frames.first(where: matches) { return frame }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Waits until the server has closed the connection, for at most `limit`.
    func awaitClosed(within limit: Duration = .seconds(5)) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if collector.snapshot().1 { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
