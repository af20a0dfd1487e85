import Foundation
import NIOCore
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipWire

@Suite struct BackpressureTests {
    /// A client that sends thousands of requests for 64 KiB answers and never reads them:
    /// the server stops reading its requests once its answers back up, so it runs only a
    /// socket buffer's worth of handlers instead of buffering every answer in memory.
    @Test func aPeerThatStopsReadingIsStoppedBeingReadFrom() async throws {
        let pki = TestPKI.shared
        let harness = try await RPCTestHarness.start(
            limits: Hello(maxConcurrentRequests: 64, isAck: true),
            serverSecurity: try pki.serverTransport(), clientSecurity: try pki.clientTransport(pki.gateway),
            serverIdentity: TestPKI.echoIdentity)
        let raw = try await RawTLSConnection.open(port: harness.address.port!, pki: pki, autoRead: false)
        var hello = ByteBuffer()
        // No zlib: the 64 KiB answers are one repeated byte and would compress to nothing.
        try FrameSerializer.write(.hello(Hello(maxConcurrentRequests: 0, capabilities: [])), into: &hello)
        raw.sendWithoutWaiting(hello)
        let request = try Google_Protobuf_Int32Value(65_536).serializedBytes() as [UInt8]
        // Waves small enough for the concurrency limit, so only reading stops them.
        let total = 4_000
        for wave in 0..<(total / 40) {
            var bytes = ByteBuffer()
            for offset in 1...40 {
                let id = UInt32(wave * 40 + offset)
                try FrameSerializer.write(.request(id: id, Request(method: EchoService.big, payload: Payload(ByteBuffer(bytes: request)))), into: &bytes)
            }
            raw.sendWithoutWaiting(bytes)
            try await Task.sleep(for: .milliseconds(10))
        }
        // Wait until the count settles: without backpressure it climbs to every request,
        // with it it stops at what the socket buffers hold, however loaded the machine is.
        var handled = harness.service.handled.load(ordering: .relaxed)
        var unchangedPolls = 0
        let giveUp = ContinuousClock.now + .seconds(30)
        while unchangedPolls < 8 && handled < total && ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(250))
            let now = harness.service.handled.load(ordering: .relaxed)
            unchangedPolls = now == handled ? unchangedPolls + 1 : 0
            handled = now
        }
        // 4,000 answers would be 250 MiB; a few socket buffers hold a few hundred at most.
        #expect(handled < total / 2, "the server ran \(handled) of \(total) handlers for a reader that reads nothing")
        #expect(handled > 0)
        try? await raw.close()
        await harness.stop()
    }
}
