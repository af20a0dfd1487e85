import CZlib
import NIOCore

/// The compressed form of spec §8: `uncompressed_len (32) | zlib stream`.
public enum PayloadCompression {
    /// Compresses `message` if that is worth it: at least `threshold` bytes and a smaller
    /// result. Returns nil when the plain form should be sent.
    public static func compressIfWorthIt(
        _ message: ByteBuffer, threshold: Int = WireLimits.compressionThreshold, allocator: ByteBufferAllocator = .init()
    ) -> Payload? {
        let count = message.readableBytes
        guard count >= threshold, count <= Int(UInt32.max) else { return nil }
        var stream = z_stream()
        // The fastest level: a service's replies cross a LAN or loopback. On 100 stored ticket
        // rows as text (34 KB, Python's zlib, same library) it took 0.31 ms for 13.3 KB, the
        // default level 0.73 ms for 11.9 KB.
        guard deflateInit_(&stream, Z_BEST_SPEED, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(count)))
        var output = allocator.buffer(capacity: 4 + bound)
        output.writeInteger(UInt32(count))
        let produced: Int? = message.withUnsafeReadableBytes { input in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                let result = deflate(&stream, Z_FINISH)
                return result == Z_STREAM_END ? Int(stream.total_out) : 0
            }
        }
        guard let produced, produced > 0, produced + 4 < count else { return nil }
        return Payload(output, isCompressed: true)
    }

    /// Inflates the compressed form, allowing at most `cap` bytes (the receiver's
    /// max_frame_size). Every departure from §8 is a COMPRESSION_ERROR.
    public static func inflate(
        _ payload: ByteBuffer, cap: UInt32, allocator: ByteBufferAllocator = .init()
    ) throws(WireConnectionError) -> ByteBuffer {
        var input = payload
        guard let declared = input.readInteger(as: UInt32.self) else {
            throw WireConnectionError(.compressionError, "compressed payload shorter than its 4-byte size")
        }
        guard declared <= cap else {
            throw WireConnectionError(.compressionError, "declared inflated size \(declared) exceeds the cap \(cap)")
        }
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw WireConnectionError(.internalError, "zlib inflateInit failed")
        }
        defer { inflateEnd(&stream) }

        // Exactly the declared size, never more: a stream that still has output once that
        // is full is found with a one-byte probe, so a peer's word never doubles what we
        // allocate (ByteBuffer rounds capacities up to a power of two).
        var output = allocator.buffer(capacity: Int(declared))
        var status: Int32 = Z_OK
        var consumed = 0
        var overflowed = false
        input.withUnsafeReadableBytes { compressed in
            stream.next_in = UnsafeMutablePointer(mutating: compressed.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(compressed.count)
            if declared > 0 {
                _ = output.writeWithUnsafeMutableBytes(minimumWritableBytes: Int(declared)) { out in
                    stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(declared)
                    status = CZlib.inflate(&stream, Z_FINISH)
                    return Int(stream.total_out)
                }
            }
            if status != Z_STREAM_END && status >= Z_OK || declared == 0 {
                var probe: UInt8 = 0
                let before = stream.total_out
                withUnsafeMutablePointer(to: &probe) { pointer in
                    stream.next_out = pointer
                    stream.avail_out = 1
                    status = CZlib.inflate(&stream, Z_FINISH)
                }
                overflowed = stream.total_out > before
            }
            consumed = compressed.count - Int(stream.avail_in)
        }
        guard !overflowed else {
            throw WireConnectionError(.compressionError, "inflates past its declared size \(declared)")
        }
        guard status == Z_STREAM_END else {
            let why = status == Z_BUF_ERROR || status == Z_OK ? "zlib stream is truncated" : "zlib stream is corrupt (zlib status \(status))"
            throw WireConnectionError(.compressionError, why)
        }
        guard output.readableBytes == Int(declared) else {
            throw WireConnectionError(.compressionError, "inflated \(output.readableBytes) bytes, declared \(declared)")
        }
        guard consumed == input.readableBytes else {
            throw WireConnectionError(.compressionError, "\(input.readableBytes - consumed) bytes after the end of the zlib stream")
        }
        return output
    }
}
