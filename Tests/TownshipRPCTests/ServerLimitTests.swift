import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipWire

/// What a server lets one peer make it hold (issue #10): handler tasks, idle connections,
/// connections, and a close waiting for a peer that does not read.
@Suite struct ServerLimitTests {
    static func tlsHarness(limits: Hello = Hello(maxConcurrentRequests: 4, isAck: true),
                           _ configure: (inout RPCServerConfiguration) -> Void = { _ in }) async throws -> RPCTestHarness {
        let pki = TestPKI.shared
        return try await RPCTestHarness.start(
            limits: limits, serverSecurity: try pki.serverTransport(), clientSecurity: try pki.clientTransport(pki.gateway),
            serverIdentity: TestPKI.echoIdentity, server: configure)
    }

    /// REQUEST + CANCEL, 200 times, against a handler that takes 300 ms even when cancelled:
    /// a cancelled call keeps its slot until its handler returns, so no more than the cap of
    /// handler tasks ever run, and the rest are REFUSED(RESOURCE_EXHAUSTED).
    @Test func requestPlusCancelFloodsNeverRunMoreHandlerTasksThanTheCap() async throws {
        let harness = try await Self.tlsHarness()
        let raw = try await RawTLSConnection.open(port: harness.address.port!, pki: .shared)
        try await raw.send([RawTLSConnection.hello])
        #expect(try await raw.awaitFrame { $0.type == .hello } != nil)
        var flood: [Frame] = []
        for id in UInt32(1)...200 {
            flood.append(try RawTLSConnection.request(id, EchoService.stubborn, Google_Protobuf_StringValue("x")))
            flood.append(.cancel(id: id))
        }
        try await raw.send(flood)
        // Every frame before it has been read once this one is answered.
        try await raw.send([try RawTLSConnection.request(201, EchoService.say, Google_Protobuf_StringValue("last"))])
        let last = try await raw.awaitFrame(within: .seconds(10)) { frame in
            switch frame {
            case .response(201, _), .refused(201, _): true
            default: false
            }
        }
        #expect(last != nil)
        #expect(harness.server.peakHandlerTaskCount <= 4, "\(harness.server.peakHandlerTaskCount) handler tasks ran at once")
        let refused = raw.collector.frames.filter { if case .refused(_, let refusal) = $0 { refusal.status == .resourceExhausted } else { false } }
        #expect(refused.count >= 190)
        try await waitUntil { harness.server.handlerTaskCount == 0 }
        try? await raw.close()
        await harness.stop()
    }

    /// A connection with no call for the idle timeout gets GOAWAY(OK), close_notify, FIN; a
    /// call that lasts longer than the idle timeout is not cut.
    @Test func anIdleConnectionIsClosedWithGoAwayAndABusyOneIsNot() async throws {
        let harness = try await Self.tlsHarness { $0.idleTimeout = .milliseconds(300) }
        let answer = try await harness.client.unary(EchoService.pause, Google_Protobuf_Int32Value(800), as: Google_Protobuf_Int32Value.self)
        #expect(answer.value == 800)
        let raw = try await RawTLSConnection.open(port: harness.address.port!, pki: .shared)
        try await raw.send([RawTLSConnection.hello])
        let goAway = try await raw.awaitFrame { $0.type == .goAway }
        guard case .goAway(let body)? = goAway else {
            Issue.record("no GOAWAY on an idle connection")
            await harness.stop()
            return
        }
        #expect(body.code == .ok)
        #expect(try await raw.awaitClosed())
        #expect(raw.collector.closeNotifyAfter == raw.collector.snapshot().0.readableBytes, "no close_notify before the FIN")
        // The client's own connection went idle too; its next call goes on a new one.
        let again = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("again"), as: Google_Protobuf_StringValue.self)
        #expect(again.value == "again")
        await harness.stop()
    }

    /// Two connections allowed: a third completes TLS and gets GOAWAY(0, OK) instead of a
    /// HELLO, then is closed; once one closes, a new connection is served again.
    @Test func connectionsOverTheCapAreTurnedAwayWithGoAway() async throws {
        let harness = try await Self.tlsHarness { $0.maxConnections = 2 }
        var admitted: [RawTLSConnection] = []
        for _ in 0..<2 {
            let raw = try await RawTLSConnection.open(port: harness.address.port!, pki: .shared)
            try await raw.send([RawTLSConnection.hello])
            #expect(try await raw.awaitFrame { $0.type == .hello } != nil)
            admitted.append(raw)
        }
        let third = try await RawTLSConnection.open(port: harness.address.port!, pki: .shared)
        // The server may have sent its GOAWAY and closed before this HELLO goes out (it does
        // not wait for one): the send can then fail, and the GOAWAY is still what was read.
        try? await third.send([RawTLSConnection.hello])
        let goAway = try await third.awaitFrame { $0.type == .goAway || $0.type == .hello }
        guard case .goAway(let body)? = goAway else {
            Issue.record("the third connection got \(String(describing: goAway?.type)), not GOAWAY")
            await harness.stop()
            return
        }
        #expect(body.lastRequestID == 0)
        #expect(body.code == .ok)
        #expect(body.message.contains("connection limit"))
        #expect(try await third.awaitClosed())
        try await admitted[0].close()
        try await waitUntil { harness.server.connectionCount <= 1 }
        let answer = try await harness.client.unary(EchoService.say, Google_Protobuf_StringValue("again"), as: Google_Protobuf_StringValue.self)
        #expect(answer.value == "again")
        try? await admitted[1].close()
        await harness.stop()
    }
}

/// Spec §5, settled: a request message that does not decode as the method's input type is
/// the call's INVALID_ARGUMENT; the framing was intact, so the connection stays.
@Suite struct UndecodablePayloadTests {
    @Test func anUndecodableRequestIsInvalidArgumentAndTheConnectionStays() async throws {
        let harness = try await ServerLimitTests.tlsHarness()
        let raw = try await RawTLSConnection.open(port: harness.address.port!, pki: .shared)
        // 0xFF 0xFF: a field key with an invalid wire type, then nothing.
        let garbage = Request(method: EchoService.say, payload: Payload(ByteBuffer(bytes: [0xFF, 0xFF])))
        try await raw.send([RawTLSConnection.hello, .request(id: 1, garbage),
                            try RawTLSConnection.request(2, EchoService.say, Google_Protobuf_StringValue("fine"))])
        let error = try await raw.awaitFrame { if case .error(1, _) = $0 { true } else { false } }
        guard case .error(_, let failure)? = error else {
            Issue.record("no ERROR for an undecodable request: \(raw.collector.frames.map(\.type))")
            await harness.stop()
            return
        }
        #expect(failure.status == .invalidArgument)
        #expect(try await raw.awaitFrame { if case .response(2, _) = $0 { true } else { false } } != nil)
        #expect(!raw.collector.snapshot().1)
        try? await raw.close()
        await harness.stop()
    }
}
