import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A browser's EventSource as a raw HTTP/1.1 socket on loopback: it sends the request, then a
/// reader thread takes the text/event-stream apart (chunked framing, blank-line-separated
/// blocks) and stamps each block with the instant the read that completed it returned, so a
/// test measures delivery without its own polling in the figure.
final class EventStreamClient: Sendable {
    /// One block of the stream: an event (`event:`, `data:`, `id:` lines) or a comment.
    struct Block: Sendable {
        var lines: [String]
        var arrived: ContinuousClock.Instant

        func field(_ name: String) -> String? {
            lines.first { $0.hasPrefix("\(name): ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        var comment: String? { lines.first { $0.hasPrefix(": ") }.map { String($0.dropFirst(2)) } }
        /// The `data:` line as a JSON object.
        var json: [String: Any]? {
            field("data").flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let status: Int
    /// The response's head and, when it is not a stream, its body.
    let head: String
    private let socket: Int32
    /// Whether the reader thread owns the socket (a 200); otherwise it is closed already.
    private let streaming: Bool
    private let received = Mutex<(blocks: [Block], ended: Bool)>(([], false))

    /// Connects and reads the response head; a 200 starts the reader thread.
    init(port: Int, path: String, token: String) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)")
        }
        socket = fd
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\nAuthorization: Bearer \(token)\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let separator = Array("\r\n\r\n".utf8)
        while bytes.firstRange(of: separator) == nil {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else {
                close(fd)
                throw Failure(description: "no response head from the gateway (recv \(count), errno \(errno)): \(String(decoding: bytes, as: UTF8.self))")
            }
            bytes += buffer[..<count]
        }
        let split = bytes.firstRange(of: separator)!
        let headText = String(decoding: bytes[..<split.lowerBound], as: UTF8.self)
        status = Int(headText.split(separator: " ", maxSplits: 2).dropFirst().first ?? "") ?? 0
        let chunked = headText.lowercased().contains("transfer-encoding: chunked")
        var rest = Array(bytes[split.upperBound...])
        guard status == 200 else {
            // A refusal is a short whole body: read it to its end for the message.
            let length = headText.lowercased().split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
            while length.map({ rest.count < $0 }) ?? !rest.suffix(5).elementsEqual("0\r\n\r\n".utf8) {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                rest += buffer[..<count]
            }
            head = headText + "\n\n" + String(decoding: rest, as: UTF8.self)
            streaming = false
            close(fd)
            received.withLock { $0.ended = true }
            return
        }
        head = headText
        streaming = true
        let initial = rest
        let reader = Thread { [self] in self.read(initial: initial, chunked: chunked) }
        reader.start()
    }

    /// Ends the stream (the reader thread then sees the socket closed and stops).
    func stop() {
        guard streaming else { return }
        shutdown(socket, Int32(SHUT_RDWR))
    }

    /// The first block from index `from` on that `matches`, waiting up to `limit`.
    func next(within limit: Duration, from: Int = 0, _ matches: (Block) -> Bool) async throws -> (block: Block, index: Int) {
        let deadline = ContinuousClock.now + limit
        while true {
            let (blocks, ended) = received.withLock { ($0.blocks, $0.ended) }
            if let index = blocks.indices.dropFirst(from).first(where: { matches(blocks[$0]) }) { return (blocks[index], index) }
            guard !ended, ContinuousClock.now < deadline else {
                throw Failure(description: "no matching block within \(limit) (stream \(ended ? "ended" : "open")); received: \(blocks.map(\.lines))")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    var count: Int { received.withLock { $0.blocks.count } }

    /// Whether the gateway has ended the stream (or the socket closed).
    var ended: Bool { received.withLock { $0.ended } }

    private func read(initial: [UInt8], chunked: Bool) {
        defer {
            close(socket)
            received.withLock { $0.ended = true }
        }
        var framed = initial
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var first = true
        while true {
            if !first {
                let count = recv(socket, &buffer, buffer.count, 0)
                // The receive timeout only bounds the head; an idle stream waits for heartbeats.
                if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { continue }
                guard count > 0 else { return }
                framed += buffer[..<count]
            }
            first = false
            let arrived = ContinuousClock.now
            var ended = false
            if chunked {
                (text, framed, ended) = Self.dechunk(framed, into: text)
            } else {
                text += framed
                framed = []
            }
            let separator = Array("\n\n".utf8)
            var blocks: [Block] = []
            while let range = text.firstRange(of: separator) {
                let lines = String(decoding: text[..<range.lowerBound], as: UTF8.self).split(separator: "\n").map(String.init)
                blocks.append(Block(lines: lines, arrived: arrived))
                text.removeSubrange(..<range.upperBound)
            }
            if !blocks.isEmpty { received.withLock { $0.blocks += blocks } }
            if ended { return }
        }
    }

    /// Moves the payload of every complete chunk of `framed` onto `text`; true once the last
    /// (zero-length) chunk has come.
    static func dechunk(_ framed: [UInt8], into text: [UInt8]) -> ([UInt8], [UInt8], Bool) {
        var text = text
        var index = 0
        let crlf = Array("\r\n".utf8)
        while let lineEnd = framed[index...].firstRange(of: crlf) {
            let sizeText = String(decoding: framed[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { break }
            if size == 0 { return (text, [], true) }
            let start = lineEnd.upperBound
            guard framed.count >= start + size + 2 else { break }
            text += framed[start..<start + size]
            index = start + size + 2
        }
        return (text, Array(framed[index...]), false)
    }
}
