/// The fixed limits of TWP/1 (spec §2, §4, §6, §10).
public enum WireLimits {
    public static let protocolVersion: UInt16 = 1
    public static let alpn = "twp/1"

    /// Bytes of the length prefix; `Length` counts what follows it.
    public static let lengthPrefixSize = 4
    /// type + flags + request id.
    public static let headerSize = 6

    public static let minMaxFrameSize: UInt32 = 16_384
    public static let maxMaxFrameSize: UInt32 = 16_777_216
    public static let defaultMaxFrameSize: UInt32 = 4_194_304
    /// The limit on `Length` until the peer's HELLO has been read.
    public static let maxFrameSizeBeforeHello: UInt32 = 1_024

    public static let defaultMaxConcurrentRequests: UInt16 = 128
    public static let minInitialStreamCredit: UInt16 = 1
    public static let maxInitialStreamCredit: UInt16 = 1_024
    public static let defaultInitialStreamCredit: UInt16 = 16
    public static let maxCreditIncrement: UInt32 = 1_024
    public static let maxAvailableCredit: UInt32 = 65_536

    public static let helloFixedSize = 19
    public static let maxMethodLength = 255
    public static let maxMetadataLength = 8_192
    public static let maxTextMessageLength = 1_024
    public static let pingSize = 8

    /// Messages smaller than this are not worth compressing (spec §8).
    public static let compressionThreshold = 1_024
}
