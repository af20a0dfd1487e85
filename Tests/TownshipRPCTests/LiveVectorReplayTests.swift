import Foundation
import NIOCore
import NIOPosix
import Synchronization
import SwiftProtobuf
import Testing
import TownshipRPC
import TownshipTLS
import TownshipWire

/// The golden vectors that a server must react to, sent byte for byte over mutual TLS to a
/// live server, which must answer as the vector says and keep serving its other connections.
@Suite struct LiveVectorReplayTests {
    static let cases: [ReplayCase] = ReplayCase.loadAll()

    @Test func thereIsSomethingToReplay() {
        #expect(Self.cases.count >= 80)
    }

    @Test(arguments: cases)
    func aLiveServerReactsAsTheVectorSays(_ replay: ReplayCase) async throws {
        let pki = TestPKI.shared
        var router = RPCRouter()
        // Calls stay open so that the vectors' later frames meet an open call.
        router.unary("township.intake.v1.Intake/SubmitTicket", Google_Protobuf_BytesValue.self, Google_Protobuf_BytesValue.self) { _, _ in
            try await Task.sleep(for: .seconds(60))
            return Google_Protobuf_BytesValue()
        }
        router.clientStreaming("township.intake.v1.Intake/ImportTickets", Google_Protobuf_BytesValue.self, Google_Protobuf_BytesValue.self) { _, _ in
            try await Task.sleep(for: .seconds(60))
            return Google_Protobuf_BytesValue()
        }
        router.serverStreaming("township.intake.v1.Intake/WatchTickets", Google_Protobuf_BytesValue.self, Google_Protobuf_BytesValue.self) { _, _, _ in
            try await Task.sleep(for: .seconds(60))
        }
        router.unary(EchoService.say, Google_Protobuf_StringValue.self, Google_Protobuf_StringValue.self) { request, _ in request }
        let server = RPCServer(configuration: RPCServerConfiguration(limits: replay.limits), router: router, security: try pki.serverTransport())
        let running = Task { try await server.run() }
        let port = try await server.localAddress().port!

        let raw = try await RawTLSConnection.open(port: port, pki: pki)
        try await raw.send(replay.bytes)
        let outcome = try await raw.awaitOutcome(replay.expected)
        #expect(outcome == nil, "\(replay.name): \(outcome ?? "")")

        // Other connections are unaffected.
        let client = RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)], serverIdentity: TestPKI.echoIdentity),
            security: try pki.clientTransport(pki.gateway))
        let answer = try await client.unary(EchoService.say, Google_Protobuf_StringValue("still here"), as: Google_Protobuf_StringValue.self)
        #expect(answer.value == "still here")
        await client.shutdown()
        try? await raw.close()
        running.cancel()
        _ = try? await running.value
    }
}

struct ReplayCase: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable {
        case connectionError(String)
        case callError(id: UInt32, status: String)
        case refused(id: UInt32, status: String)
    }

    let name: String
    let limits: Hello
    let bytes: ByteBuffer
    let expected: Expected
    var testDescription: String { name }

    /// Server-side vectors whose reaction a live server must show. Left out: vectors whose
    /// setup needs frames the server itself would have had to send, and vectors that send
    /// client MESSAGEs (codec vectors do not know a method's kind; a live server applies the
    /// kind first, and a MESSAGE on this unary method is its own INVALID_ARGUMENT).
    static func loadAll() -> [ReplayCase] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("proto-spec/vectors/frames.json")
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let defaults = root["defaults"] as! [String: Any]
        return (root["vectors"] as! [[String: Any]]).compactMap { vector -> ReplayCase? in
            guard vector["receiver"] as? String == "server" else { return nil }
            let setup = vector["setup"] as? [[String: Any]] ?? []
            let peerSetup = setup.filter { $0["from"] as? String == "peer" }.map { $0["hex"] as! String }
            let localSetup = setup.filter { $0["from"] as? String == "local" }.map { $0["hex"] as! String }
            guard localSetup.allSatisfy({ $0.dropFirst(8).hasPrefix("01") }) else { return nil }
            let hex = peerSetup.joined() + (vector["input"] as! String)
            guard !Self.containsMessage(hex) else { return nil }
            let outcome = (vector["expect"] as! [String: Any])["outcome"]
            let expected: Expected
            if let object = outcome as? [String: Any], let code = object["connection_error"] as? String {
                expected = .connectionError(code)
            } else if let object = outcome as? [String: Any], let error = object["call_error"] as? [String: Any] {
                expected = .callError(id: UInt32(error["request_id"] as! Int), status: error["status"] as! String)
            } else if let object = outcome as? [String: Any], let refusal = object["refused"] as? [String: Any] {
                expected = .refused(id: UInt32(refusal["request_id"] as! Int), status: refusal["status"] as! String)
            } else {
                return nil
            }
            let limits = defaults.merging(vector["local"] as? [String: Any] ?? [:]) { $1 }
            return ReplayCase(
                name: vector["name"] as! String,
                limits: Hello(
                    maxFrameSize: UInt32(limits["max_frame_size"] as! Int),
                    maxConcurrentRequests: UInt16(limits["max_concurrent_requests"] as! Int),
                    initialStreamCredit: UInt16(limits["initial_stream_credit"] as! Int),
                    capabilities: Capabilities(rawValue: UInt32(limits["capabilities"] as! Int)), isAck: true),
                bytes: ByteBuffer(bytes: hexBytes(hex)), expected: expected)
        }
    }

    /// Whether whole frames in `hex` include a MESSAGE; a frame cut short counts as none.
    private static func containsMessage(_ hex: String) -> Bool {
        var buffer = ByteBuffer(bytes: hexBytes(hex))
        while let length = buffer.readInteger(as: UInt32.self), length >= 6, length <= buffer.readableBytes {
            if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == FrameType.message.rawValue { return true }
            buffer.moveReaderIndex(forwardBy: Int(length))
        }
        return false
    }
}

func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

/// A TLS client that speaks raw bytes, for putting exact frames on the wire.
final class RawTLSConnection: Sendable {
    let channel: Channel
    let collector: RawCollector

    /// `autoRead: false` makes a peer that never reads what the server sends.
    static func open(port: Int, pki: TestPKI, autoRead: Bool = true) async throws -> RawTLSConnection {
        let context = try TLSContext(configuration: .client(
            certificateChainPath: pki.gateway.certificatePath, privateKeyPath: pki.gateway.privateKeyPath,
            trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: TestPKI.echoIdentity))
        let collector = RawCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addTownshipTLSHandler(context: context)
                    try channel.pipeline.syncOperations.addHandler(RawCollectorHandler(collector: collector, stopReadingAfterHandshake: !autoRead))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawTLSConnection(channel: channel, collector: collector)
    }

    private init(channel: Channel, collector: RawCollector) {
        self.channel = channel
        self.collector = collector
    }

    func send(_ bytes: ByteBuffer) async throws {
        try await channel.writeAndFlush(bytes)
    }

    func close() async throws { try await channel.close() }

    func sendWithoutWaiting(_ bytes: ByteBuffer) {
        channel.writeAndFlush(bytes, promise: nil)
    }

    /// Waits up to three seconds for the expected reaction; nil if it came, else what did.
    func awaitOutcome(_ expected: ReplayCase.Expected) async throws -> String? {
        let deadline = ContinuousClock.now + .seconds(3)
        var seen: [Frame] = []
        while ContinuousClock.now < deadline {
            let (bytes, closed) = collector.snapshot()
            var buffer = bytes
            var decoder = FrameDecoder(maxFrameSize: WireLimits.maxMaxFrameSize)
            seen = []
            while let frame = try? decoder.decodeFrame(&buffer) { seen.append(frame) }
            switch expected {
            case .connectionError(let code):
                let sawGoAway = seen.contains { if case .goAway(let goAway) = $0 { goAway.code.name == code } else { false } }
                if sawGoAway && closed { return nil }
            case .callError(let id, let status):
                if seen.contains(where: { if case .error(id, let failure) = $0 { failure.status.name == status } else { false } }) { return nil }
            case .refused(let id, let status):
                if seen.contains(where: { if case .refused(id, let refusal) = $0 { refusal.status.name == status } else { false } }) { return nil }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return "expected \(expected), saw \(seen.map { "\($0.type)" }) closed=\(collector.snapshot().1)"
    }
}

/// What a raw peer saw, in order: the bytes, the server's close_notify (after how many
/// bytes), and the end of the connection.
final class RawCollector: Sendable {
    private struct State {
        var bytes = ByteBuffer()
        var closed = false
        var closeNotifyAfter: Int?
    }
    private let state = Mutex(State())
    func append(_ bytes: ByteBuffer) { state.withLock { _ = $0.bytes.writeImmutableBuffer(bytes) } }
    func markClosed() { state.withLock { $0.closed = true } }
    func markCloseNotify() { state.withLock { $0.closeNotifyAfter = $0.bytes.readableBytes } }
    func snapshot() -> (ByteBuffer, Bool) { state.withLock { ($0.bytes, $0.closed) } }
    /// How many bytes had arrived when the server's close_notify came; nil if none came.
    var closeNotifyAfter: Int? { state.withLock { $0.closeNotifyAfter } }

    /// The whole frames received so far.
    var frames: [Frame] {
        var buffer = snapshot().0
        var decoder = FrameDecoder(maxFrameSize: WireLimits.maxMaxFrameSize)
        var frames: [Frame] = []
        while let frame = try? decoder.decodeFrame(&buffer) { frames.append(frame) }
        return frames
    }
}

final class RawCollectorHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let collector: RawCollector
    let stopReadingAfterHandshake: Bool
    init(collector: RawCollector, stopReadingAfterHandshake: Bool) {
        self.collector = collector
        self.stopReadingAfterHandshake = stopReadingAfterHandshake
    }

    // TLS needs reads to finish its handshake; only then does this peer go deaf.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if stopReadingAfterHandshake && event is TLSHandshakeCompleted {
            context.channel.setOption(.autoRead, value: false).whenComplete { _ in }
        }
        if event is TLSCloseNotifyReceived { collector.markCloseNotify() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        collector.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        collector.markClosed()
        context.fireChannelInactive()
    }
}
