import Hummingbird
import NIOCore
import SwiftProtobuf
import TownshipProtos
import TownshipRPC
import TownshipWire

/// Every failure the HTTP API answers with: a status and a JSON body
/// `{"error": {"code", "reason", "message", "details"?}}`.
public struct GatewayError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var reason: String
    public var message: String
    /// The service's `ErrorDetails` as proto3 JSON, when there is one.
    public var detailsJSON: String?
    public var retryAfterSeconds: Int?

    public init(_ status: HTTPResponse.Status, code: String, reason: String? = nil, _ message: String, detailsJSON: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.reason = reason ?? code
        self.message = message
        self.detailsJSON = detailsJSON
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func badRequest(_ message: String, reason: String = "INVALID_ARGUMENT") -> GatewayError {
        GatewayError(.badRequest, code: "INVALID_ARGUMENT", reason: reason, message)
    }
    public static let unauthenticated = GatewayError(.unauthorized, code: "UNAUTHENTICATED", "sign in first (Authorization: Bearer <token>)")
    public static func forbidden(_ message: String) -> GatewayError { GatewayError(.forbidden, code: "PERMISSION_DENIED", message) }
    public static func notFound(_ message: String) -> GatewayError { GatewayError(.notFound, code: "NOT_FOUND", message) }

    /// Maps a service's error onto HTTP (the table of the gateway's brief), keeping its details.
    public init(rpc error: RPCError) {
        let mapping: (HTTPResponse.Status, String) =
            switch error.status {
            case .invalidArgument, .outOfRange: (.badRequest, error.status.name)
            case .unauthenticated: (.unauthorized, "UNAUTHENTICATED")
            case .permissionDenied: (.forbidden, "PERMISSION_DENIED")
            case .notFound: (.notFound, "NOT_FOUND")
            case .alreadyExists, .aborted: (.conflict, error.status.name)
            case .failedPrecondition: (.conflict, "FAILED_PRECONDITION")
            case .resourceExhausted: (.tooManyRequests, "RESOURCE_EXHAUSTED")
            case .unavailable: (.serviceUnavailable, "UNAVAILABLE")
            case .deadlineExceeded: (.gatewayTimeout, "DEADLINE_EXCEEDED")
            case .unimplemented: (.notImplemented, "UNIMPLEMENTED")
            default: (.badGateway, error.status.name)
            }
        var reason = mapping.1
        var detailsJSON: String?
        var retryAfter: Int?
        if error.details.readableBytes > 0,
            let details = try? Township_Common_V1_ErrorDetails(serializedBytes: Array(error.details.readableBytesView))
        {
            if !details.reason.isEmpty { reason = details.reason }
            detailsJSON = try? details.jsonString()
            if details.hasRetryAfter { retryAfter = max(1, Int(details.retryAfter.seconds)) }
        }
        self.init(mapping.0, code: mapping.1, reason: reason, error.message, detailsJSON: detailsJSON, retryAfterSeconds: retryAfter)
    }

    public var body: String {
        var members: [(String, JSONValue)] = [
            ("code", .string(code)), ("reason", .string(reason)), ("message", .string(message)),
        ]
        if let detailsJSON { members.append(("details", .raw(detailsJSON))) }
        return JSONValue.object([("error", .object(members))]).render()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if let retryAfterSeconds { headers[.retryAfter] = "\(retryAfterSeconds)" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
