import Foundation
import Hummingbird
import SwiftProtobuf

/// The proto3 JSON mapping of the services' own messages is the HTTP API's body format, so
/// the API never drifts from proto-spec.
public enum ProtoJSON {
    static let strict: JSONDecodingOptions = {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        options.messageDepthLimit = 32
        return options
    }()

    static let output: JSONEncodingOptions = {
        var options = JSONEncodingOptions()
        options.alwaysPrintEnumsAsInts = false
        return options
    }()

    /// The body as a `M`; an empty body is the empty message. Unknown fields are refused; a
    /// body that is not `application/json` is refused with 415.
    public static func decode<M: Message>(_ type: M.Type, from request: Request, context: GatewayRequestContext) async throws -> M {
        try RequestMediaType.requireJSON(request)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw GatewayError(.contentTooLarge, code: "INVALID_ARGUMENT", reason: "BODY_TOO_LARGE", "the body is larger than \(context.maxUploadSize) bytes")
        }
        try RequestMediaType.requireJSON(request, bodyIsEmpty: buffer.readableBytes == 0)
        let text = String(buffer: buffer)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return M() }
        do {
            return try M(jsonString: text, options: strict)
        } catch {
            throw GatewayError.badRequest("the body is not a valid \(M.protoMessageName) in proto3 JSON: \(error)", reason: "INVALID_JSON")
        }
    }

    public static func encode(_ message: some Message) throws -> String {
        try message.jsonString(options: output)
    }

    public static func response(_ message: some Message, status: HTTPResponse.Status = .ok) throws -> Response {
        jsonResponse(try encode(message), status: status)
    }
}

/// A JSON response that no cache keeps.
public func jsonResponse(_ json: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
}
