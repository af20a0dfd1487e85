import Foundation
import NIOCore
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipTLS
import TownshipWire

/// Peers that stall the start of a connection (issue #10): a TCP connection that sends
/// nothing, one that sends only a ClientHello, one that completes mutual TLS and never sends
/// HELLO. Each is closed by its timeout (the last with GOAWAY(HELLO_TIMEOUT), close_notify,
/// then FIN), the server does not crash, and a well-behaved client is served during and after.
@Suite struct StallTests {
    /// Which of the two timers of a connection start runs out first.
    enum FirstTimer: String, Sendable, CaseIterable {
        /// The HELLO timer fires while TLS is still waiting for its handshake.
        case hello
        /// The TLS handshake timer fires while the HELLO timer is still running.
        case tlsHandshake
    }

    static let short = Duration.milliseconds(400)
    static let long = Duration.seconds(20)
    /// A debug build on a loaded 2-core machine; far below the long timer.
    static let margin = Duration.seconds(4)

    static func harness(_ first: FirstTimer) async throws -> RPCTestHarness {
        let pki = TestPKI.shared
        let (hello, handshake) = first == .hello ? (short, long) : (long, short)
        let (seconds, attoseconds) = handshake.components
        return try await RPCTestHarness.start(
            serverSecurity: try pki.serverTransport(handshakeTimeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)),
            clientSecurity: try pki.clientTransport(pki.gateway), serverIdentity: TestPKI.echoIdentity,
            server: { $0.helloTimeout = hello })
    }

    static func say(_ harness: RPCTestHarness, _ text: String) async throws {
        let answer = try await harness.client.unary(
            EchoService.say, Google_Protobuf_StringValue(text), as: Google_Protobuf_StringValue.self,
            options: CallOptions(timeout: .seconds(5)))
        #expect(answer.value == text)
    }

    @Test(arguments: StallingPeer.Kind.allCases, FirstTimer.allCases)
    func aPeerStalledBeforeTLSIsClosedByItsTimeout(_ kind: StallingPeer.Kind, _ first: FirstTimer) async throws {
        let harness = try await Self.harness(first)
        try await Self.say(harness, "before")
        let peers = try await withThrowingTaskGroup(of: StallingPeer.self) { group in
            for _ in 0..<5 { group.addTask { try await StallingPeer.connect(port: harness.address.port!, kind: kind, pki: .shared) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await Self.say(harness, "during")
        for peer in peers {
            let took = await peer.closed(within: Self.short + Self.margin)
            #expect(took != nil, "a \(kind) peer was not closed within \(Self.short + Self.margin) (\(first) timer first)")
        }
        try await Self.say(harness, "after")
        for peer in peers { await peer.close() }
        await harness.stop()
    }

    @Test func aPeerThatNeverSendsHelloGetsGoAwayHelloTimeoutThenCloseNotify() async throws {
        let harness = try await Self.harness(.hello)
        let raw = try await RawTLSConnection.open(port: harness.address.port!, pki: .shared)
        try await Self.say(harness, "during")
        let outcome = try await raw.awaitOutcome(.connectionError("HELLO_TIMEOUT"))
        #expect(outcome == nil, "\(outcome ?? "")")
        let frames = raw.collector.frames
        #expect(frames.count == 1, "\(frames.map(\.type))")
        if case .goAway(let goAway)? = frames.first {
            #expect(goAway.lastRequestID == 0)
            #expect(goAway.code == .helloTimeout)
        }
        // GOAWAY, then close_notify, then FIN.
        #expect(raw.collector.closeNotifyAfter == raw.collector.snapshot().0.readableBytes)
        try await Self.say(harness, "after")
        await harness.stop()
    }
}
