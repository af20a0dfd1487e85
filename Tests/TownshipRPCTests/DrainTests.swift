import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipWire

/// Graceful shutdown as spec §11 says, seen by a client written from the spec (a raw TLS
/// peer): GOAWAY(last id, OK); calls up to the last id run to completion; later REQUESTs get
/// REFUSED(UNAVAILABLE); then close_notify and FIN. And a drain is bounded even when a peer
/// never reads.
@Suite struct DrainTests {
    struct RunningServer {
        let service: EchoService
        let server: RPCServer
        let group: ServiceGroup
        let running: Task<Void, Error>
        let port: Int
    }

    static func start(_ configure: (inout RPCServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        var logger = Logger(label: "test.drain")
        logger.logLevel = .critical
        let service = EchoService()
        var configuration = RPCServerConfiguration(limits: Hello(maxConcurrentRequests: 64, isAck: true), logger: logger)
        configure(&configuration)
        let server = RPCServer(configuration: configuration, router: service.router, security: try TestPKI.shared.serverTransport())
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        let port = try await server.localAddress().port!
        return RunningServer(service: service, server: server, group: group, running: running, port: port)
    }

    static func bytes(_ count: Int) throws -> Frame {
        .message(id: 1, Payload(ByteBuffer(bytes: try Google_Protobuf_BytesValue(Data(repeating: 5, count: count)).serializedBytes() as [UInt8])))
    }

    @Test func aDrainFinishesOpenCallsRefusesNewOnesThenClosesWithCloseNotify() async throws {
        let server = try await Self.start()
        let raw = try await RawTLSConnection.open(port: server.port, pki: .shared)
        // An upload (client-streaming, id 1) left open, and a unary call to know it was read.
        try await raw.send([
            RawTLSConnection.hello,
            .request(id: 1, Request(method: EchoService.collect)),
            try Self.bytes(10),
            try RawTLSConnection.request(2, EchoService.say, Google_Protobuf_StringValue("read")),
        ])
        #expect(try await raw.awaitFrame { if case .response(2, _) = $0 { true } else { false } } != nil)

        await server.group.triggerGracefulShutdown()
        let goAway = try await raw.awaitFrame { $0.type == .goAway }
        guard case .goAway(let body)? = goAway else {
            Issue.record("no GOAWAY")
            return
        }
        #expect(body.code == .ok)
        #expect(body.lastRequestID == 2)

        // A REQUEST after the GOAWAY is refused; the connection stays for the open upload.
        try await raw.send([try RawTLSConnection.request(3, EchoService.say, Google_Protobuf_StringValue("late"))])
        let refused = try await raw.awaitFrame { if case .refused(3, _) = $0 { true } else { false } }
        guard case .refused(_, let refusal)? = refused else {
            Issue.record("no REFUSED for a REQUEST after the GOAWAY; frames: \(raw.collector.frames.map(\.type)), closed: \(raw.collector.snapshot().1)")
            return
        }
        #expect(refusal.status == .unavailable)

        // The upload (id 1 ≤ last_request_id) runs to completion.
        try await raw.send([try Self.bytes(20), .endStream(id: 1)])
        let answer = try await raw.awaitFrame { if case .response(1, _) = $0 { true } else { false } }
        guard case .response(_, let payload)? = answer else {
            Issue.record("the open upload got no answer; frames: \(raw.collector.frames.map(\.type))")
            return
        }
        #expect(try Google_Protobuf_Int64Value(serializedBytes: Array(payload.bytes.readableBytesView)).value == 30)

        // Then the server closes: close_notify after the last frame, then FIN.
        #expect(try await raw.awaitClosed())
        #expect(raw.collector.closeNotifyAfter == raw.collector.snapshot().0.readableBytes, "no close_notify before the FIN")
        try await server.running.value
    }

    /// A peer that never reads, with answers piled up in the server's buffers: the drain
    /// timeout passes, the connection is closed anyway within the close timeout, and the
    /// server's run returns within drainTimeout + closeTimeout (plus scheduling margin).
    @Test func aDrainEndsWithinItsBoundWhenAPeerNeverReads() async throws {
        let server = try await Self.start {
            $0.drainTimeout = .milliseconds(500)
            $0.closeTimeout = .milliseconds(500)
        }
        let raw = try await RawTLSConnection.open(port: server.port, pki: .shared, autoRead: false)
        let request = try Google_Protobuf_Int32Value(65_536).serializedBytes() as [UInt8]
        var frames: [Frame] = [RawTLSConnection.hello]
        for id in UInt32(1)...200 {
            frames.append(.request(id: id, Request(method: EchoService.big, payload: Payload(ByteBuffer(bytes: request)))))
        }
        // A call that stays open, so the drain has to time out.
        frames.append(try RawTLSConnection.request(201, EchoService.hang, Google_Protobuf_StringValue("x")))
        var bytes = ByteBuffer()
        for frame in frames { try FrameSerializer.write(frame, into: &bytes) }
        raw.sendWithoutWaiting(bytes)
        try await waitUntil { server.service.handled.load(ordering: .relaxed) > 0 }

        let started = ContinuousClock.now
        await server.group.triggerGracefulShutdown()
        let result = await outcome(within: .seconds(6)) { try await server.running.value }
        #expect(result != nil, "the drain did not end within 6 s")
        if result != nil { #expect(ContinuousClock.now - started < .seconds(6)) }
        // Not left open behind the returned run: the close waiting on the deaf peer was forced.
        #expect(server.server.connectionCount == 0, "a connection outlived the drain")
        try? await raw.close()
    }
}
