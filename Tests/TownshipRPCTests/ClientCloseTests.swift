import Foundation
import NIOCore
import NIOPosix
import Synchronization
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipTLS
import TownshipWire

/// A client's shutdown is bounded even when its server stops reading: the close_notify it
/// would send waits behind data the server never takes, so the socket is closed anyway after
/// the client's close timeout.
@Suite struct ClientCloseTests {
    @Test func shutdownIsBoundedWhenTheServerStopsReading() async throws {
        let pki = TestPKI.shared
        let server = try await DeafServer.start(pki: pki)
        let client = RPCClient(
            configuration: RPCClientConfiguration(
                endpoints: [RPCEndpoint(host: "127.0.0.1", port: server.port)], serverIdentity: TestPKI.echoIdentity,
                maxAttempts: 1, closeTimeout: .milliseconds(300)),
            security: try pki.clientTransport(pki.gateway))
        let taken = Atomic<Int>(0)
        let chunks = AsyncStream<Google_Protobuf_BytesValue> { continuation in
            for _ in 0..<1_000 { continuation.yield(Google_Protobuf_BytesValue(Data(repeating: 3, count: 65_536))) }
            continuation.finish()
        }.map { chunk -> Google_Protobuf_BytesValue in
            taken.add(1, ordering: .relaxed)
            return chunk
        }
        let upload = Task { try await client.clientStreaming(EchoService.collect, chunks, as: Google_Protobuf_Int64Value.self) }
        // Wait until the upload stops moving: the client's buffers are full.
        var last = -1
        var unchanged = 0
        while unchanged < 5 {
            try await Task.sleep(for: .milliseconds(100))
            let now = taken.load(ordering: .relaxed)
            unchanged = now == last ? unchanged + 1 : 0
            last = now
        }
        #expect(last < 1_000, "the deaf server took the whole upload")
        let result = await outcome(within: .seconds(5)) { await client.shutdown() }
        #expect(result != nil, "shutdown waited for a server that does not read")
        upload.cancel()
        await server.stop()
    }
}

/// A TLS server that answers HELLO and then never reads again.
struct DeafServer {
    let channel: Channel
    var port: Int { channel.localAddress!.port! }

    static func start(pki: TestPKI) async throws -> DeafServer {
        let context = try TLSContext(configuration: .server(
            certificateChainPath: pki.echo.certificatePath, privateKeyPath: pki.echo.privateKeyPath, trustedCAPath: pki.ca.certificatePath))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addTownshipTLSHandler(context: context)
                    try channel.pipeline.syncOperations.addHandler(HelloThenDeaf())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return DeafServer(channel: channel)
    }

    func stop() async { try? await channel.close() }
}

final class HelloThenDeaf: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TLSHandshakeCompleted {
            var hello = ByteBuffer()
            try? FrameSerializer.write(.hello(Hello(initialStreamCredit: 1_024, capabilities: [], isAck: true)), into: &hello)
            context.writeAndFlush(wrapOutboundOut(hello), promise: nil)
            context.channel.setOption(.autoRead, value: false).whenComplete { _ in }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
