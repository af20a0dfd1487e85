import Foundation
import HTTPTypes
import Hummingbird

/// The overview (and its drill-downs) as HTTP: the bytes made once per answer, gzipped once,
/// and, for a complete answer, its `ETag`, so a browser that has this version gets 304.
enum OverviewResponse {
    /// `private, no-cache`: the answer is one user's (never for a shared cache), and a browser
    /// may keep it but must ask (`If-None-Match`) before using it again.
    static let revalidate = "private, no-cache"

    static func make(body: ByteBuffer, gzipped: ByteBuffer?, etag: String?, to request: Request) -> Response {
        typealias Compression = ResponseCompressionMiddleware<GatewayRequestContext>
        var headers: HTTPFields = [.cacheControl: etag == nil ? "no-store" : revalidate]
        if let etag {
            headers[.eTag] = etag
            if matches(request.headers[values: .ifNoneMatch], etag) {
                // The same Vary as the 200 it stands for.
                Compression.addVary(to: &headers)
                return Response(status: .notModified, headers: headers)
            }
        }
        headers[.contentType] = "application/json; charset=utf-8"
        var response = Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        // A wall of screens reads the same cached answer: it is gzipped once, not per request
        // (the middleware leaves a response that is already encoded alone).
        if let gzipped, Compression.acceptsGzip(request.headers[values: .acceptEncoding]) {
            Compression.sendGzipped(gzipped, in: &response)
        }
        return response
    }

    /// Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2) or is `*`.
    /// Both encodings of an answer carry its one ETag: they decode to the same bytes.
    static func matches(_ values: [String], _ etag: String) -> Bool {
        for value in values {
            for candidate in value.split(separator: ",") {
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == etag { return true }
            }
        }
        return false
    }
}
