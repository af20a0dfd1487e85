import NIOCore

/// Splits the byte stream into frames (spec §3). The limit on `Length` is decided from the
/// 4-byte prefix alone, so an oversized frame is never buffered: 1,024 bytes until the first
/// frame (which must be the peer's HELLO) has been read, `maxFrameSize` after.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = Frame

    public let maxFrameSize: UInt32
    private var sawFirstFrame = false

    /// `pastHello` skips the 1,024-byte limit for a decoder that starts mid-connection.
    public init(maxFrameSize: UInt32 = WireLimits.defaultMaxFrameSize, pastHello: Bool = false) {
        self.maxFrameSize = maxFrameSize
        self.sawFirstFrame = pastHello
    }

    /// Decodes one frame from the front of `buffer` if it is all there.
    public mutating func decodeFrame(_ buffer: inout ByteBuffer) throws(WireConnectionError) -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        let limit = sawFirstFrame ? maxFrameSize : WireLimits.maxFrameSizeBeforeHello
        guard length >= UInt32(WireLimits.headerSize) else {
            throw .protocolError("frame Length \(length) is below the 6-byte header")
        }
        guard length <= limit else {
            throw WireConnectionError(.frameTooLarge, "frame Length \(length) exceeds the limit \(limit)")
        }
        guard buffer.readableBytes >= WireLimits.lengthPrefixSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: WireLimits.lengthPrefixSize)
        var frameBytes = buffer.readSlice(length: Int(length))!
        sawFirstFrame = true
        return try FrameParser.parse(&frameBytes)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try decodeFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A frame cut off by the end of the stream is simply gone (spec §10): the connection's
        // owner fails the calls in flight when the channel goes inactive.
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// Writes frames with `FrameSerializer`.
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data: Frame, out: inout ByteBuffer) throws {
        try FrameSerializer.write(data, into: &out)
    }
}
