/// GOAWAY (spec §4.2): calls above `lastRequestID` were not processed and are safe to retry.
public struct GoAway: Hashable, Sendable {
    public var lastRequestID: UInt32
    public var code: ConnectionErrorCode
    public var message: String

    public init(lastRequestID: UInt32, code: ConnectionErrorCode, message: String = "") {
        self.lastRequestID = lastRequestID
        self.code = code
        self.message = message
    }
}
