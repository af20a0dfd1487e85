import NIOCore
import TownshipWire

/// One frame as `FrameDecoder` returned it, with the exact bytes it was read from.
struct DecodedFrame: Equatable {
    var frame: Frame
    var wireBytes: ByteBuffer
}

/// Everything a `FrameDecoder` made of a stream: the frames, then the error that stopped it
/// or the bytes left waiting for more.
struct StreamDecoding: Equatable {
    var frames: [DecodedFrame] = []
    var error: WireConnectionError?
    var bytesWaiting = 0

    /// Feeds `stream` to a fresh decoder `chunkSize` bytes per read (all at once when nil),
    /// decoding every whole frame after each read, as `ByteToMessageHandler` does.
    static func decode(_ stream: ByteBuffer, maxFrameSize: UInt32, chunkSize: Int?) -> StreamDecoding {
        var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
        var result = StreamDecoding()
        var remaining = stream
        var pending = ByteBuffer()
        while remaining.readableBytes > 0 {
            var chunk = remaining.readSlice(length: min(chunkSize ?? remaining.readableBytes, remaining.readableBytes))!
            pending.writeBuffer(&chunk)
            do throws(WireConnectionError) {
                while true {
                    // NIO's get* accessors only reach readable bytes: keep the pre-read view.
                    let before = pending
                    guard let frame = try decoder.decodeFrame(&pending) else { break }
                    let wireBytes = before.getSlice(at: before.readerIndex, length: pending.readerIndex - before.readerIndex)!
                    result.frames.append(DecodedFrame(frame: frame, wireBytes: wireBytes))
                }
            } catch {
                result.error = error
                return result
            }
        }
        result.bytesWaiting = pending.readableBytes
        return result
    }
}
