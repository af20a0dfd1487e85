import COpenSSL
import CTownshipOpenSSLShims
import NIOCore

/// One TLS connection: an `SSL*` over a `ByteBufferBIO`. Owned by one `OpenSSLHandler` and
/// used on its event loop only. Each SSL_* call starts with a clear error queue and drains
/// it on failure.
final class SSLConnection {
    /// The least room each SSL_read is given (OpenSSL keeps the rest of a record for the next).
    static let minimumReadBuffer = 2 * 1024
    /// The most plaintext handed on in one read; more waiting in the BIO is read by the next call.
    static let maximumReadBatch = 64 * 1024
    /// Small writes are copied together into records of up to this much plaintext (TLS 1.3
    /// allows 16 KiB, RFC 8446 §5.1). 4 KiB amortises a record's cost (header, tag, one
    /// AEAD call, one read on the peer) over dozens of small frames, while the peer can start
    /// on the first answers of a burst before the last have arrived: with 16 KiB records
    /// RPCLoad's TLS p99 at 64 in flight was 2-3× plaintext's, with 4 KiB about equal.
    static let maximumRecordPlaintext = 4 * 1024
    /// SSL_write takes an Int32 length: larger buffers are written in slices of this size.
    static let maximumWriteSlice = 1 << 24

    enum HandshakeResult {
        case complete
        case wantsMoreData
        case failed(TLSError)
    }

    enum ReadResult {
        case data(ByteBuffer)
        case wantsMoreData
        case closeNotify
        case failed(TLSError)
    }

    let context: TLSContext
    let role: TLSRole
    let bio: ByteBufferBIO
    private let ssl: OpaquePointer
    private let expectedPeerIdentity: String?
    private(set) var sessionCacheKey: String?
    /// Set by the verify or ALPN callbacks when they refuse, so the error names our check
    /// rather than OpenSSL's generic "certificate verify failed".
    private var refusal: TLSError?
    private var spareReadBuffer: ByteBuffer?
    /// A close_notify or failure met after a read had already decrypted data: returned next.
    private var pendingEnding: ReadResult?

    init(context: TLSContext, allocator: ByteBufferAllocator, expectedPeerIdentity: String?) {
        guard let ssl = SSL_new(context.sslContext) else {
            preconditionFailure("SSL_new failed: out of memory")
        }
        self.context = context
        self.role = context.configuration.role
        self.ssl = ssl
        self.bio = ByteBufferBIO(allocator: allocator)
        self.expectedPeerIdentity = expectedPeerIdentity
        // SSL_set_bio takes the single reference BIO_new gave us; SSL_free frees the BIO.
        SSL_set_bio(ssl, bio.bio, bio.bio)
        // Unretained: the SSL never outlives this object (freed in deinit).
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(self).toOpaque())
        switch role {
        case .server: SSL_set_accept_state(ssl)
        case .client: SSL_set_connect_state(ssl)
        }
    }

    deinit {
        SSL_free(ssl)
    }

    static func from(ssl: OpaquePointer?) -> SSLConnection? {
        guard let ssl, let data = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<SSLConnection>.fromOpaque(data).takeUnretainedValue()
    }

    /// Clients: remember sessions under `key` and offer the last one, if any.
    func useSessionCache(key: String) {
        guard role == .client, let cache = context.sessionCache else { return }
        sessionCacheKey = key
        cache.offer(for: key, on: ssl)
    }

    func handshake() -> HandshakeResult {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            return .complete
        }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE {
            return .wantsMoreData
        }
        return .failed(failure(sslError: error, whileDoing: .handshake))
    }

    /// All the plaintext that the ciphertext received so far decrypts to, in one buffer: every
    /// whole record in the BIO (SSL_read returns one record per call), so the next handler
    /// gets one read per socket read rather than one per record. Plaintext is never larger
    /// than the ciphertext it came from, so the buffer is sized by what the BIO holds; a
    /// read stops at `maximumReadBatch` and the caller reads again. An end (close_notify, a
    /// failure) met after some data is returned by the next call, after that data.
    func read(allocator: ByteBufferAllocator) -> ReadResult {
        if let ending = pendingEnding {
            pendingEnding = nil
            return ending
        }
        // Room for every whole record received (plaintext is smaller than its record), so
        // the loop below does not reallocate.
        let expected = min(bio.receivedBytes + Self.minimumReadBuffer, Self.maximumReadBatch)
        var buffer: ByteBuffer
        if let spare = spareReadBuffer, spare.capacity >= expected {
            buffer = spare
        } else {
            buffer = allocator.buffer(capacity: expected)
        }
        spareReadBuffer = nil
        while buffer.readableBytes < Self.maximumReadBatch {
            OpenSSLErrorQueue.clear()
            var result: Int32 = 0
            // The first SSL_read gets room for a good part of a record; later ones whatever is left.
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: buffer.readableBytes == 0 ? Self.minimumReadBuffer : 1) { destination in
                result = SSL_read(ssl, destination.baseAddress, Int32(min(destination.count, Int(Int32.max))))
                return Int(max(result, 0))
            }
            if result > 0 { continue }
            let ending: ReadResult
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: ending = .wantsMoreData
            case SSL_ERROR_ZERO_RETURN: ending = .closeNotify
            case let error: ending = .failed(failure(sslError: error, whileDoing: .read))
            }
            guard buffer.readableBytes > 0 else {
                spareReadBuffer = buffer
                return ending
            }
            if case .wantsMoreData = ending {} else { pendingEnding = ending }
            return .data(buffer)
        }
        return .data(buffer)
    }

    /// At most how many bytes of ciphertext `plaintexts` become, one SSL_write each: every
    /// record adds a 5-byte header, the content type byte and a 16-byte tag (RFC 8446 §5.2),
    /// and OpenSSL cuts a write into records of up to 16 KiB.
    static func ciphertextBound(_ plaintexts: [ByteBuffer]) -> Int {
        plaintexts.reduce(0) { total, plaintext in
            let records = max(1, (plaintext.readableBytes + 16 * 1024 - 1) / (16 * 1024))
            return total + plaintext.readableBytes + records * 22
        }
    }

    /// Encrypts all of `plaintext` into the BIO (which never blocks, so SSL_write is never partial).
    func write(_ plaintext: ByteBuffer) -> TLSError? {
        var remaining = plaintext
        while remaining.readableBytes > 0 {
            let slice = min(remaining.readableBytes, Self.maximumWriteSlice)
            OpenSSLErrorQueue.clear()
            let result = remaining.withUnsafeReadableBytes { source in
                SSL_write(ssl, source.baseAddress, Int32(slice))
            }
            guard result > 0 else {
                return failure(sslError: SSL_get_error(ssl, result), whileDoing: .write)
            }
            remaining.moveReaderIndex(forwardBy: Int(result))
        }
        return nil
    }

    /// Queues our close_notify into the BIO.
    func sendCloseNotify() {
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
    }

    /// After a successful handshake: ALPN and the peer's identity, checked again here because
    /// a resumed handshake skips certificate verification (the session keeps the certificate).
    func completedHandshake() -> Result<TLSHandshakeCompleted, TLSError> {
        var alpnPointer: UnsafePointer<UInt8>?
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &alpnPointer, &alpnLength)
        guard let alpnPointer, alpnLength > 0 else {
            return .failure(.noApplicationProtocol(offered: context.configuration.applicationProtocols))
        }
        let alpn = String(decoding: UnsafeBufferPointer(start: alpnPointer, count: Int(alpnLength)), as: UTF8.self)

        var names: CertificateURINames?
        if let certificate = SSL_get1_peer_certificate(ssl) {
            names = CertificateURINames(of: certificate)
            X509_free(certificate)
        }
        if let failure = identityFailure(names) {
            return .failure(failure)
        }
        let peerIdentity = names?.identity
        return .success(
            TLSHandshakeCompleted(
                peerIdentity: peerIdentity,
                negotiatedALPN: alpn,
                resumed: SSL_session_reused(ssl) == 1
            )
        )
    }

    /// Called by OpenSSL for each certificate of the peer's chain, root first.
    fileprivate func verifyPeer(preverifyOK: Bool, store: OpaquePointer) -> Bool {
        guard preverifyOK else { return false }
        guard X509_STORE_CTX_get_error_depth(store) == 0,
            let certificate = X509_STORE_CTX_get_current_cert(store)
        else {
            return true
        }
        if let failure = identityFailure(CertificateURINames(of: certificate)) {
            refusal = failure
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION)
            return false
        }
        return true
    }

    func recordALPNRefusal() {
        refusal = .noApplicationProtocol(offered: context.configuration.applicationProtocols)
    }

    /// `names` is nil when the peer sent no certificate.
    private func identityFailure(_ names: CertificateURINames?) -> TLSError? {
        // More than one URI SAN is no identity at all (SPIFFE, spec §1), whatever we expect.
        if let names, names.uris.count > 1 {
            return .ambiguousPeerIdentity(uris: names.uris)
        }
        let peerIdentity = names?.identity
        if let expected = expectedPeerIdentity, peerIdentity != expected {
            return .peerIdentityMismatch(expected: expected, actual: peerIdentity)
        }
        if peerIdentity == nil, context.configuration.requirePeerIdentity {
            return .missingPeerIdentity
        }
        return nil
    }

    private enum Operation {
        case handshake, read, write
    }

    private func failure(sslError: Int32, whileDoing operation: Operation) -> TLSError {
        let entries = OpenSSLErrorQueue.drain()
        if let refusal {
            return refusal
        }
        for entry in entries {
            switch entry.reasonCode {
            case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
                return .noPeerCertificate
            case SSL_R_CERTIFICATE_VERIFY_FAILED:
                let result = SSL_get_verify_result(ssl)
                return .certificateVerificationFailed(reason: String(cString: X509_verify_cert_error_string(result)))
            case SSL_R_NO_APPLICATION_PROTOCOL:
                return .noApplicationProtocol(offered: context.configuration.applicationProtocols)
            case let code where code >= SSL_AD_REASON_OFFSET:
                return .peerAlert(reason: entry.reason)
            default:
                continue
            }
        }
        let reason: String
        if entries.isEmpty {
            reason = sslError == SSL_ERROR_SYSCALL ? "unexpected end of stream" : "SSL error \(sslError)"
        } else {
            reason = entries.map(\.reason).joined(separator: "; ")
        }
        switch operation {
        case .handshake: return .handshakeFailed(reason: reason)
        case .read: return .readFailed(reason: reason)
        case .write: return .writeFailed(reason: reason)
        }
    }
}

/// The verify callback of every Township `SSL_CTX`: OpenSSL's chain verdict, then our
/// identity checks on the leaf.
func sslConnectionVerifyCallback(preverifyOK: Int32, store: OpaquePointer?) -> Int32 {
    guard let store,
        let sslPointer = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
        let connection = SSLConnection.from(ssl: OpaquePointer(sslPointer))
    else {
        return preverifyOK
    }
    return connection.verifyPeer(preverifyOK: preverifyOK == 1, store: store) ? 1 : 0
}
