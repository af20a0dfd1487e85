import Foundation
import NIOCore
import NIOPosix
import TownshipTLS

/// A bare TCP connection to the gateway, for the tests that play a misbehaving client: send
/// some bytes, stay silent, see when (and whether) the gateway closes the connection.
struct RawConnection {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    /// Everything received so far.
    private(set) var received = ""
    private(set) var closedByPeer = false

    /// Connects to 127.0.0.1:`port` (through TLS when `tls` is set) and runs `body`; the
    /// connection is closed afterwards.
    static func with<T>(port: Int, tls: ReloadableTLSContext? = nil, _ body: (inout RawConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addTownshipTLSHandler(provider: tls) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = RawConnection(iterator: inbound.makeAsyncIterator(), outbound: outbound, channel: channel.channel)
            return try await body(&connection)
        }
    }

    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Reads until `until` holds for what was received, the peer closes, or `timeout` passes
    /// (then the connection is closed from this side). True when `until` held.
    @discardableResult
    mutating func read(timeout: Duration, until: (String) -> Bool) async -> Bool {
        if until(received) { return true }
        guard !closedByPeer else { return false }
        let watchdog = Self.watchdog(channel, timeout)
        defer { watchdog.cancel() }
        while true {
            let chunk: ByteBuffer?
            do { chunk = try await iterator.next() } catch { chunk = nil }
            guard let chunk else {
                closedByPeer = !watchdog.fired
                return false
            }
            received += String(buffer: chunk)
            if until(received) { return true }
        }
    }

    /// How long after the call the peer closed the connection; nil when it was still open
    /// after `timeout`.
    mutating func closedWithin(_ timeout: Duration) async -> Duration? {
        let start = ContinuousClock.now
        _ = await read(timeout: timeout) { _ in false }
        return closedByPeer ? ContinuousClock.now - start : nil
    }

    /// Closes `channel` after `timeout` unless cancelled first.
    private static func watchdog(_ channel: any Channel, _ timeout: Duration) -> Watchdog {
        let watchdog = Watchdog()
        watchdog.task = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            watchdog.markFired()
            try? await channel.close()
        }
        return watchdog
    }
}

final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var _fired = false
    var task: Task<Void, Never>?
    var fired: Bool { lock.withLock { _fired } }
    func markFired() { lock.withLock { _fired = true } }
    func cancel() { task?.cancel() }
}
