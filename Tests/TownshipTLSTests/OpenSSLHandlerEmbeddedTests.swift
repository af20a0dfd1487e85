import NIOCore
import NIOEmbedded
import Testing
import TownshipTLS

/// The handler between two `EmbeddedChannel`s, with ciphertext moved by hand: lets the
/// tests count socket writes and control time.
@Suite struct OpenSSLHandlerEmbeddedTests {
    struct Pair {
        let client: EmbeddedChannel
        let server: EmbeddedChannel
        let serverEvents: EventLog
        let clientEvents: EventLog

        init(pki: TestPKI, serverTimeout: TimeAmount = .seconds(10)) throws {
            serverEvents = EventLog()
            clientEvents = EventLog()
            server = EmbeddedChannel()
            client = EmbeddedChannel()
            try server.pipeline.syncOperations.addHandler(
                OpenSSLHandler(context: TLSContext(configuration: pki.serverConfiguration(handshakeTimeout: serverTimeout)))
            )
            try server.pipeline.syncOperations.addHandler(EventOnlyRecorder(log: serverEvents))
            try client.pipeline.syncOperations.addHandler(
                OpenSSLHandler(context: TLSContext(configuration: pki.clientConfiguration(pki.client)))
            )
            try client.pipeline.syncOperations.addHandler(EventOnlyRecorder(log: clientEvents))
            let address = try SocketAddress(ipAddress: "127.0.0.1", port: 4433)
            try server.connect(to: address).wait()
            try client.connect(to: address).wait()
        }

        /// Closes both channels, breaking the pipeline's reference cycles.
        func finish() {
            _ = try? client.finish(acceptAlreadyClosed: true)
            _ = try? server.finish(acceptAlreadyClosed: true)
        }

        /// Moves ciphertext both ways until both sides are quiet.
        func pump() throws {
            var moved = true
            while moved {
                moved = false
                while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                    try server.writeInbound(bytes)
                    moved = true
                }
                while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                    try client.writeInbound(bytes)
                    moved = true
                }
            }
        }

        /// What one flush of `buffers` on the client put on the wire and what the server's
        /// handler made of it: the plaintext size of each TLS record, and each read the
        /// handler passed on.
        struct Flushed {
            let recordPlaintextSizes: [Int]
            let reads: [ByteBuffer]
        }

        /// Writes `buffers` on the client, flushes once, hands all the ciphertext to the
        /// server in one socket read.
        func flushedTogether(_ buffers: [ByteBuffer]) throws -> Flushed {
            let writes = buffers.map { client.write($0) }
            client.flush()
            for write in writes { try write.wait() }
            let ciphertext = try clientCiphertext()
            let sizes = try TLSRecords.plaintextSizes(in: ciphertext)
            try server.writeInbound(ciphertext)
            var reads: [ByteBuffer] = []
            while let part = try server.readInbound(as: ByteBuffer.self) { reads.append(part) }
            return Flushed(recordPlaintextSizes: sizes, reads: reads)
        }

        /// Everything the client's handler has written to its socket so far, as one buffer.
        func clientCiphertext() throws -> ByteBuffer {
            var ciphertext = ByteBuffer()
            while var bytes = try client.readOutbound(as: ByteBuffer.self) { ciphertext.writeBuffer(&bytes) }
            return ciphertext
        }

        /// Runs `body` on a pair that has completed its handshake, then closes both.
        static func handshaken(_ body: (Pair) throws -> Void) throws {
            let pki = try TestPKI()
            defer { pki.remove() }
            let pair = try Pair(pki: pki)
            defer { pair.finish() }
            try pair.pump()
            #expect(pair.serverEvents.sawHandshake)
            try body(pair)
        }

        func drainPlaintext(_ channel: EmbeddedChannel) throws -> ByteBuffer {
            var all = ByteBuffer()
            while var part = try channel.readInbound(as: ByteBuffer.self) {
                all.writeBuffer(&part)
            }
            return all
        }
    }

    @Test func writesDuringTheHandshakeWaitAndOneFlushIsOneSocketWrite() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let pair = try Pair(pki: pki)
        defer { pair.finish() }

        // Before the handshake: buffered, not encrypted, promise pending.
        let early = pair.client.writeAndFlush(ByteBuffer(string: "early"))
        let earlyDone = Flag()
        early.assumeIsolated().whenComplete { _ in earlyDone.isSet = true }
        let clientHello = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
        #expect(!earlyDone.isSet)
        try pair.server.writeInbound(clientHello)
        try pair.pump()
        #expect(earlyDone.isSet)
        try early.wait()
        #expect(pair.clientEvents.sawHandshake)
        #expect(pair.serverEvents.sawHandshake)
        #expect(String(buffer: try pair.drainPlaintext(pair.server)) == "early")

        // Three writes, one flush: exactly one ciphertext buffer reaches the socket.
        let writes = ["one ", "two ", "three"].map { pair.client.write(ByteBuffer(string: $0)) }
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
        pair.client.flush()
        let ciphertext = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
        for write in writes { try write.wait() }
        try pair.server.writeInbound(ciphertext)
        #expect(String(buffer: try pair.drainPlaintext(pair.server)) == "one two three")
    }

    @Test func smallWritesFlushedTogetherShareRecordsOfAtMost4KiB() throws {
        try Pair.handshaken { pair in
            // Ten small writes (ten frames' worth), one flush: one record.
            let small = (0..<10).map { "frame \($0);" }
            let smallFlush = try pair.flushedTogether(small.map { ByteBuffer(string: $0) })
            #expect(smallFlush.recordPlaintextSizes == [small.joined().utf8.count])
            #expect(smallFlush.reads.map { String(buffer: $0) }.joined() == small.joined())

            // Five writes of 1.5 KiB: a record holds at most 4 KiB, so two, two and one, in order.
            let largeFlush = try pair.flushedTogether(Self.fiveWritesOf1536Bytes)
            #expect(largeFlush.recordPlaintextSizes == [3_072, 3_072, 1_536])
            #expect(concatenated(largeFlush.reads) == concatenated(Self.fiveWritesOf1536Bytes))

            // A write larger than a record is passed on whole (OpenSSL splits it into records of
            // up to 16 KiB).
            let huge = ByteBuffer(repeating: 7, count: 40_000)
            let hugeFlush = try pair.flushedTogether([ByteBuffer(string: "head"), huge])
            #expect(hugeFlush.recordPlaintextSizes.reduce(0, +) == 40_004)
            #expect(hugeFlush.recordPlaintextSizes.allSatisfy { $0 <= 16 * 1_024 })
            #expect(hugeFlush.reads.map(\.readableBytes).reduce(0, +) == 40_004)
        }
    }

    static let fiveWritesOf1536Bytes = (0..<5).map { ByteBuffer(repeating: UInt8(65 + $0), count: 1_536) }

    /// Several records in one socket read reach the next handler as one read: one decode
    /// pass over many frames instead of one per record (before: one read per 4 KiB record).
    @Test func recordsOfOneSocketReadArePassedOnAsOneRead() throws {
        try Pair.handshaken { pair in
            let flushed = try pair.flushedTogether(Self.fiveWritesOf1536Bytes)
            #expect(flushed.recordPlaintextSizes.count == 3)
            #expect(flushed.reads.map(\.readableBytes) == [7_680])
            #expect(flushed.reads.first == concatenated(Self.fiveWritesOf1536Bytes))
        }
    }

    /// A socket read that ends inside a record: the whole records before it are passed on at
    /// once, the rest when the record is complete; nothing waits for a later read.
    @Test func aRecordSplitAcrossSocketReadsIsPassedOnWhenComplete() throws {
        try Pair.handshaken { pair in
            let writes = (0..<3).map { pair.client.write(ByteBuffer(repeating: UInt8(97 + $0), count: 3_000)) }
            pair.client.flush()
            for write in writes { try write.wait() }
            var ciphertext = try pair.clientCiphertext()
            #expect(try TLSRecords.plaintextSizes(in: ciphertext) == [3_000, 3_000, 3_000])
            // Cut in the middle of the second record.
            let cut = 3_000 + 22 + 1_500
            let first = ciphertext.getSlice(at: ciphertext.readerIndex, length: cut)!
            ciphertext.moveReaderIndex(forwardBy: cut)
            try pair.server.writeInbound(first)
            #expect(try pair.server.readInbound(as: ByteBuffer.self)?.readableBytes == 3_000)
            #expect(try pair.server.readInbound(as: ByteBuffer.self) == nil)
            try pair.server.writeInbound(ciphertext)
            #expect(try pair.server.readInbound(as: ByteBuffer.self)?.readableBytes == 6_000)
            #expect(try pair.server.readInbound(as: ByteBuffer.self) == nil)
        }
    }

    /// Data and the close_notify behind it in one socket read: the data first, then the event.
    @Test func dataBeforeACloseNotifyInTheSameReadIsPassedOnFirst() throws {
        try Pair.handshaken { pair in
            pair.client.writeAndFlush(ByteBuffer(string: "last words"), promise: nil)
            pair.client.close(promise: nil)
            try pair.server.writeInbound(try pair.clientCiphertext())
            #expect(String(buffer: try pair.drainPlaintext(pair.server)) == "last words")
            #expect(pair.serverEvents.events.contains { if case .closeNotify = $0 { true } else { false } })
            #expect(!pair.server.isActive)
        }
    }

    @Test func handshakeTimeoutClosesTheChannelWithAClearError() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let pair = try Pair(pki: pki, serverTimeout: .seconds(5))
        defer { pair.finish() }
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(pair.server.isActive)
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!pair.server.isActive)
        #expect(pair.serverEvents.events.contains { if case .tlsError(.handshakeTimeout) = $0 { true } else { false } })
    }

    @Test func closeSendsCloseNotifyBeforeClosingTheSocket() throws {
        try Pair.handshaken { pair in
            #expect(pair.clientEvents.sawHandshake)
            let closed = pair.client.close()
            let alert = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
            try closed.wait()
            #expect(!pair.client.isActive)
            try pair.server.writeInbound(alert)
            #expect(pair.serverEvents.events.contains { if case .closeNotify = $0 { true } else { false } })
            // The server answers with its own close_notify and closes.
            #expect(try pair.server.readOutbound(as: ByteBuffer.self) != nil)
            #expect(!pair.server.isActive)
        }
    }

    // MARK: Re-entrancy: callbacks that run while the handler changes its state

    /// The intake crash: a write queued during the handshake (the RPC server's GOAWAY) whose
    /// callback closes the channel, then the handshake timeout. The timeout fails the write;
    /// its callback closes the channel, whose channelInactive fails the queue again: with the
    /// queue failed inside its own mutation (before 2f73ac5) that was an exclusivity abort.
    @Test func queuedWriteWhoseCallbackClosesTheChannelThenTheHandshakeTimeout() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let pair = try Pair(pki: pki, serverTimeout: .seconds(5))
        defer { pair.finish() }
        let goaway = pair.server.writeAndFlush(ByteBuffer(string: "GOAWAY"))
        let failure = Box<(any Error)?>(nil)
        goaway.assumeIsolated().whenFailure { error in
            failure.value = error
            pair.server.close(promise: nil)
        }
        let closed = Flag()
        pair.server.closeFuture.assumeIsolated().whenComplete { _ in closed.isSet = true }

        pair.server.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(closed.isSet)
        #expect(!pair.server.isActive)
        #expect(failure.value as? TLSError == .handshakeTimeout)
        let timeouts = pair.serverEvents.events.filter { if case .tlsError(.handshakeTimeout) = $0 { true } else { false } }
        #expect(timeouts.count == 1)
        // Reported once: the close did not report a second failure.
        #expect(pair.serverEvents.events.filter { if case .tlsError = $0 { true } else { false } }.count == 1)
    }
}

/// TLS 1.3 record headers in ciphertext (RFC 8446 §5.1): content type, legacy version, length.
enum TLSRecords {
    struct Malformed: Error {}

    /// The plaintext size of each protected record: its length less the content type byte
    /// and the 16-byte AEAD tag (our records carry no padding).
    static func plaintextSizes(in ciphertext: ByteBuffer) throws -> [Int] {
        var rest = ciphertext
        var sizes: [Int] = []
        while rest.readableBytes > 0 {
            guard let type = rest.readInteger(as: UInt8.self), type == 23,
                rest.readInteger(as: UInt16.self) == 0x0303,
                let length = rest.readInteger(as: UInt16.self), rest.moveReaderIndexIfPossible(by: Int(length))
            else { throw Malformed() }
            sizes.append(Int(length) - 17)
        }
        return sizes
    }
}

extension ByteBuffer {
    fileprivate mutating func moveReaderIndexIfPossible(by count: Int) -> Bool {
        guard readableBytes >= count else { return false }
        moveReaderIndex(forwardBy: count)
        return true
    }
}

func concatenated(_ buffers: [ByteBuffer]) -> ByteBuffer {
    var all = ByteBuffer()
    for var part in buffers { all.writeBuffer(&part) }
    return all
}

final class Box<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Records TLS events and errors, keeping plaintext in the channel for `readInbound`.
final class EventOnlyRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let log: EventLog

    init(log: EventLog) {
        self.log = log
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let completed as TLSHandshakeCompleted: log.record(.handshake(completed))
        case is TLSCloseNotifyReceived: log.record(.closeNotify)
        default: break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? TLSError {
            log.record(.tlsError(error))
        } else {
            log.record(.otherError(String(describing: error)))
        }
    }
}

final class Flag {
    var isSet = false
}
