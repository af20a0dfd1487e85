import NIOCore

/// The body of an ERROR frame (spec §4.4).
public struct CallFailure: Hashable, Sendable {
    public var status: CallStatus
    public var message: String
    /// An encoded `township.common.v1.ErrorDetails`, or empty.
    public var details: ByteBuffer

    public init(status: CallStatus, message: String, details: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.message = message
        self.details = details
    }
}

/// The body of a REFUSED frame (spec §4.5): the call was not processed at all.
public struct Refusal: Hashable, Sendable {
    public var status: CallStatus
    public var message: String

    public init(status: CallStatus, message: String) {
        self.status = status
        self.message = message
    }
}
