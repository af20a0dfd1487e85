import COpenSSL
import CTownshipOpenSSLShims
import NIOCore

/// A custom `BIO` over `ByteBuffer`s: OpenSSL reads ciphertext straight out of the buffers
/// the channel delivered and writes ciphertext into the buffer we hand to the socket, so
/// each byte is copied once (memory BIOs would copy it twice).
///
/// Used on one event loop only, through the `SSL` that owns the `BIO`.
final class ByteBufferBIO {
    /// Built once per process; a `BIO_METHOD` is immutable after setup.
    nonisolated(unsafe) private static let method: OpaquePointer = makeMethod()

    let bio: OpaquePointer
    private var inbound: ByteBuffer?
    private var outbound: ByteBuffer
    private let allocator: ByteBufferAllocator

    init(allocator: ByteBufferAllocator) {
        guard let bio = BIO_new(Self.method) else {
            preconditionFailure("BIO_new failed: out of memory")
        }
        self.bio = bio
        self.allocator = allocator
        self.outbound = allocator.buffer(capacity: 0)
        // Unretained: the owning SSLConnection keeps this object alive until after SSL_free,
        // which frees the BIO.
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
        BIO_set_init(bio, 1)
    }

    /// Ciphertext from the network, consumed by the next SSL_* calls.
    func receive(_ buffer: ByteBuffer) {
        if inbound == nil || inbound!.readableBytes == 0 {
            inbound = buffer
        } else {
            var buffer = buffer
            inbound!.writeBuffer(&buffer)
        }
    }

    var hasPendingCiphertext: Bool { outbound.readableBytes > 0 }

    /// Ciphertext received and not yet consumed by OpenSSL.
    var receivedBytes: Int { inbound?.readableBytes ?? 0 }

    /// Makes room for `bytes` more ciphertext at once, so a batch of records is written
    /// into one allocation instead of growing the buffer (and copying it) record by record.
    func reserveCiphertext(_ bytes: Int) {
        outbound.reserveCapacity(minimumWritableBytes: bytes)
    }

    /// Ciphertext OpenSSL produced since the last call, to be written to the socket.
    func takeCiphertext() -> ByteBuffer? {
        guard outbound.readableBytes > 0 else { return nil }
        let ciphertext = outbound
        outbound = allocator.buffer(capacity: 0)
        return ciphertext
    }

    fileprivate func read(into destination: UnsafeMutableRawBufferPointer) -> Int32 {
        guard var buffer = inbound, buffer.readableBytes > 0 else {
            township_BIO_set_retry_read(bio)
            return -1
        }
        let count = min(destination.count, buffer.readableBytes)
        buffer.readWithUnsafeReadableBytes { source in
            destination.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count)
            return count
        }
        inbound = buffer.readableBytes > 0 ? buffer : nil
        return Int32(count)
    }

    fileprivate func write(_ source: UnsafeRawBufferPointer) -> Int32 {
        outbound.writeBytes(source)
        return Int32(source.count)
    }

    private static func makeMethod() -> OpaquePointer {
        let type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK
        guard let method = BIO_meth_new(type, "Township ByteBuffer BIO") else {
            preconditionFailure("BIO_meth_new failed")
        }
        BIO_meth_set_write(method, byteBufferBIOWrite)
        BIO_meth_set_read(method, byteBufferBIORead)
        BIO_meth_set_ctrl(method, byteBufferBIOControl)
        BIO_meth_set_create(method, { _ in 1 })
        BIO_meth_set_destroy(method, { _ in 1 })
        return method
    }

    fileprivate static func from(_ bio: OpaquePointer?) -> ByteBufferBIO? {
        guard let bio, let data = BIO_get_data(bio) else { return nil }
        return Unmanaged<ByteBufferBIO>.fromOpaque(data).takeUnretainedValue()
    }
}

private func byteBufferBIOWrite(bio: OpaquePointer?, data: UnsafePointer<CChar>?, length: Int32) -> Int32 {
    guard let bio, let data, let owner = ByteBufferBIO.from(bio) else { return -1 }
    township_BIO_clear_retry_flags(bio)
    guard length > 0 else { return 0 }
    return owner.write(UnsafeRawBufferPointer(start: data, count: Int(length)))
}

private func byteBufferBIORead(bio: OpaquePointer?, data: UnsafeMutablePointer<CChar>?, length: Int32) -> Int32 {
    guard let bio, let data, let owner = ByteBufferBIO.from(bio) else { return -1 }
    township_BIO_clear_retry_flags(bio)
    guard length > 0 else { return 0 }
    return owner.read(into: UnsafeMutableRawBufferPointer(start: data, count: Int(length)))
}

private func byteBufferBIOControl(bio: OpaquePointer?, command: Int32, argument: Int, pointer: UnsafeMutableRawPointer?) -> Int {
    switch command {
    case BIO_CTRL_FLUSH:
        // Ciphertext is handed to the socket by the handler after each SSL_* call.
        return 1
    default:
        return 0
    }
}
