import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A small HTTP/1.1 client over a real loopback socket, so the tests see exactly what a
/// browser would (status, headers, body), including a streamed text/event-stream.
struct HTTPTestClient: Sendable {
    let port: Int

    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String

        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        var object: [String: Any] { (json as? [String: Any]) ?? [:] }
    }

    func request(
        _ method: String, _ path: String, token: String? = nil, body: String? = nil,
        contentType: String = "application/json", headers extra: [String: String] = [:]
    ) async throws -> Response {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in extra { text += "\(name): \(value)\r\n" }
        let payload = Array((body ?? "").utf8)
        if body != nil || method == "POST" { text += "Content-Type: \(contentType)\r\nContent-Length: \(payload.count)\r\n" }
        text += "\r\n"
        let channel = try await connect()
        return try await channel.executeThenClose { inbound, outbound in
            var request = ByteBuffer(string: text)
            request.writeBytes(payload)
            try await outbound.write(request)
            var received = ByteBuffer()
            for try await chunk in inbound { received.writeImmutableBuffer(chunk) }
            return try Self.parse(Array(received.readableBytesView))
        }
    }

    /// Opens `path` as an event stream and returns the text received until `until` says
    /// enough, or `timeout` passes (then whatever arrived).
    func readEventStream(_ path: String, token: String, timeout: Duration, until: @escaping @Sendable (String) -> Bool) async throws -> String {
        try await readEventStreamTimed(path, token: token, timeout: timeout, until: until).text
    }

    /// Like `readEventStream`, with the instant `until` was first satisfied.
    func readEventStreamTimed(
        _ path: String, token: String, timeout: Duration, until: @escaping @Sendable (String) -> Bool
    ) async throws -> (text: String, matchedAt: ContinuousClock.Instant?) {
        let channel = try await connect()
        let text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer \(token)\r\n\r\n"
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            let seen = SeenText()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await chunk in inbound {
                        let text = seen.append(String(buffer: chunk))
                        if until(text) {
                            seen.markMatched()
                            return
                        }
                    }
                }
                group.addTask { try await Task.sleep(for: timeout) }
                _ = try await group.next()
                group.cancelAll()
            }
            return (seen.text, seen.matchedAt)
        }
    }

    /// Connects, then calls `ready` with the open stream's text so far each time more arrives.
    private func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    struct Malformed: Error {}

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let split = bytes.firstRange(of: separator) else { throw Malformed() }
        let head = String(decoding: bytes[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { throw Malformed() }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstRange(of: Array("\r\n".utf8)) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            out += bytes[start..<min(start + size, bytes.count)]
            index = start + size + 2
        }
        return out
    }
}

/// Text received so far on a stream, shared between the reader and the timer.
final class SeenText: Sendable {
    private let storage = Mutex("")
    private let matched = Mutex<ContinuousClock.Instant?>(nil)
    var text: String { storage.withLock { $0 } }
    var matchedAt: ContinuousClock.Instant? { matched.withLock { $0 } }
    func markMatched() { matched.withLock { $0 = $0 ?? .now } }
    func append(_ more: String) -> String {
        storage.withLock { text in
            text += more
            return text
        }
    }
}
