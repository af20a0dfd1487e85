/// The status of a call (spec §7.1). A struct rather than an enum so that codes added by a
/// later minor version still round-trip; `isKnown` tells them apart.
public struct CallStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ok = CallStatus(rawValue: 0)
    public static let cancelled = CallStatus(rawValue: 1)
    public static let unknown = CallStatus(rawValue: 2)
    public static let invalidArgument = CallStatus(rawValue: 3)
    public static let deadlineExceeded = CallStatus(rawValue: 4)
    public static let notFound = CallStatus(rawValue: 5)
    public static let alreadyExists = CallStatus(rawValue: 6)
    public static let permissionDenied = CallStatus(rawValue: 7)
    public static let resourceExhausted = CallStatus(rawValue: 8)
    public static let failedPrecondition = CallStatus(rawValue: 9)
    public static let aborted = CallStatus(rawValue: 10)
    public static let outOfRange = CallStatus(rawValue: 11)
    public static let unimplemented = CallStatus(rawValue: 12)
    public static let `internal` = CallStatus(rawValue: 13)
    public static let unavailable = CallStatus(rawValue: 14)
    public static let dataLoss = CallStatus(rawValue: 15)
    public static let unauthenticated = CallStatus(rawValue: 16)

    static let names: [UInt16: String] = [
        0: "OK", 1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED",
        5: "NOT_FOUND", 6: "ALREADY_EXISTS", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED",
        9: "FAILED_PRECONDITION", 10: "ABORTED", 11: "OUT_OF_RANGE", 12: "UNIMPLEMENTED",
        13: "INTERNAL", 14: "UNAVAILABLE", 15: "DATA_LOSS", 16: "UNAUTHENTICATED",
    ]

    public var isKnown: Bool { Self.names[rawValue] != nil }

    /// The spec's name, e.g. `INVALID_ARGUMENT`; unknown codes read as `UNKNOWN(99)`.
    public var name: String { Self.names[rawValue] ?? "UNKNOWN(\(rawValue))" }
    public var description: String { name }

    public init?(name: String) {
        guard let code = Self.names.first(where: { $0.value == name })?.key else { return nil }
        self.init(rawValue: code)
    }

    /// Whether a failed call may be retried whatever the method (spec §7.1). Deadline
    /// exceeded is retryable only for idempotent calls, which the caller decides.
    public var isRetryable: Bool { self == .resourceExhausted || self == .unavailable || self == .aborted }
}
