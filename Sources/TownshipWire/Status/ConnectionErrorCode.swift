/// The code of a GOAWAY (spec §7.2): `ok` for a graceful drain, the others end the connection.
public struct ConnectionErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ok = ConnectionErrorCode(rawValue: 0)
    public static let protocolError = ConnectionErrorCode(rawValue: 256)
    public static let frameTooLarge = ConnectionErrorCode(rawValue: 257)
    public static let unsupportedVersion = ConnectionErrorCode(rawValue: 258)
    public static let compressionError = ConnectionErrorCode(rawValue: 259)
    public static let flowControlError = ConnectionErrorCode(rawValue: 260)
    public static let helloTimeout = ConnectionErrorCode(rawValue: 261)
    public static let enhanceYourCalm = ConnectionErrorCode(rawValue: 262)
    public static let internalError = ConnectionErrorCode(rawValue: 263)

    static let names: [UInt16: String] = [
        0: "OK", 256: "PROTOCOL_ERROR", 257: "FRAME_TOO_LARGE", 258: "UNSUPPORTED_VERSION",
        259: "COMPRESSION_ERROR", 260: "FLOW_CONTROL_ERROR", 261: "HELLO_TIMEOUT",
        262: "ENHANCE_YOUR_CALM", 263: "INTERNAL_ERROR",
    ]

    public var name: String { Self.names[rawValue] ?? "CODE(\(rawValue))" }
    public var description: String { name }

    public init?(name: String) {
        guard let code = Self.names.first(where: { $0.value == name })?.key else { return nil }
        self.init(rawValue: code)
    }
}

/// A violation that ends the connection: the receiver sends GOAWAY with `code` and closes.
public struct WireConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ConnectionErrorCode
    public var reason: String

    public init(_ code: ConnectionErrorCode, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code.name): \(reason)" }

    static func protocolError(_ reason: String) -> Self { .init(.protocolError, reason) }
}
