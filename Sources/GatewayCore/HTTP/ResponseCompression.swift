import Foundation
import CZlib
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip for whole text responses a client accepts it for: the overview is ~150 KB of JSON at a
/// million tickets, which a phone on a village's mobile network should not download as is.
/// Streams (no known length, e.g. Server-Sent Events) and small bodies go out unchanged.
struct ResponseCompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Below this, the gzip header and the CPU cost more than they save.
    static var minimumSize: Int { 1024 }
    static var compressibleTypes: [String] {
        ["application/json", "text/html", "text/javascript", "application/javascript", "text/css", "image/svg+xml"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // Whether this answer may come gzipped depends on Accept-Encoding, whatever its size
        // today: caches must key on it (a small answer can be a large one tomorrow).
        guard let length = response.body.contentLength,
              let type = response.headers[.contentType]?.lowercased(),
              Self.compressibleTypes.contains(where: { type.hasPrefix($0) })
        else { return response }
        Self.addVary(to: &response.headers)
        guard Self.acceptsGzip(request.headers[values: .acceptEncoding]),
              response.headers[.contentEncoding] == nil,
              length >= Self.minimumSize
        else { return response }
        let collected = CollectedBody(capacity: length)
        try await response.body.write(CollectingBodyWriter(into: collected))
        guard let compressed = Gzip.compress(collected.buffer), compressed.readableBytes < length else {
            response.body = ResponseBody(byteBuffer: collected.buffer)
            return response
        }
        Self.sendGzipped(compressed, in: &response)
        return response
    }

    /// Adds `Accept-Encoding` to the response's `Vary` (once).
    static func addVary(to headers: inout HTTPFields) {
        let listed = headers[values: .vary].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !listed.contains("accept-encoding"), !listed.contains("*") else { return }
        headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
    }

    /// Makes `response` carry `gzipped` (its body, already compressed) with the headers that say so.
    static func sendGzipped(_ gzipped: ByteBuffer, in response: inout Response) {
        response.headers[.contentEncoding] = "gzip"
        addVary(to: &response.headers)
        response.headers[.contentLength] = nil
        response.body = ResponseBody(byteBuffer: gzipped)
    }

    /// Whether `Accept-Encoding` lists gzip (or `*`) without `q=0`.
    static func acceptsGzip(_ values: [String]) -> Bool {
        for value in values {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parts.first, coding == "gzip" || coding == "*" else { continue }
                let refused = parts.dropFirst().contains { parameter in
                    parameter.hasPrefix("q=") && Double(parameter.dropFirst(2)) == 0
                }
                if !refused { return true }
            }
        }
        return false
    }
}

/// A response body gathered into one buffer (the writer is consumed by `ResponseBody.write`,
/// so what it gathers lives here).
private final class CollectedBody {
    var buffer: ByteBuffer
    init(capacity: Int) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }
}

private struct CollectingBodyWriter: ResponseBodyWriter {
    let body: CollectedBody

    init(into body: CollectedBody) { self.body = body }

    mutating func write(_ buffer: ByteBuffer) async throws {
        var copy = buffer
        body.buffer.writeBuffer(&copy)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

enum Gzip {
    /// The gzip member (RFC 1952) of `input`, or nil if zlib fails.
    static func compress(_ input: ByteBuffer) -> ByteBuffer? {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.readableBytes))) + 32
        var output = ByteBufferAllocator().buffer(capacity: bound)
        let produced: Int = input.withUnsafeReadableBytes { source in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
                stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH) == Z_STREAM_END ? Int(stream.total_out) : 0
            }
        }
        return produced > 0 ? output : nil
    }
}
