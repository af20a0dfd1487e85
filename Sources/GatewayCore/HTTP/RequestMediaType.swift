import Hummingbird

/// What a request body must be sent as, checked before the body is read.
enum RequestMediaType {
    static let unsupported = "UNSUPPORTED_MEDIA_TYPE"

    /// JSON bodies: `application/json`, with `charset=utf-8` or no parameter. Without a
    /// Content-Type only an empty body is allowed (a POST that sends nothing).
    static func requireJSON(_ request: Request, bodyIsEmpty: Bool? = nil) throws {
        guard let header = request.headers[.contentType] else {
            if bodyIsEmpty == false {
                throw GatewayError(.unsupportedMediaType, code: "INVALID_ARGUMENT", reason: unsupported, "send the body as Content-Type: application/json")
            }
            return
        }
        guard let type = MediaType(from: header), type.isType(.applicationJson),
            type.parameter.map({ $0.name.lowercased() == "charset" && $0.value.lowercased() == "utf-8" }) ?? true
        else {
            throw GatewayError(.unsupportedMediaType, code: "INVALID_ARGUMENT", reason: unsupported, "send the body as Content-Type: application/json (UTF-8), not \(header)")
        }
    }
}
