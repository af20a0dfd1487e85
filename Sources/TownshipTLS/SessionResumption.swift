import COpenSSL
import CTownshipOpenSSLShims

/// What a server checks before resuming a session: a resumed handshake skips certificate
/// verification, so a ticket must not keep a certificate working once it has expired, and
/// tickets are encrypted under rotating keys (`SessionTicketKeyRing`) and live only
/// `sessionLifetime` (`SSL_CTX_set_timeout`).
enum SessionResumption {
    static func configureServer(_ sslContext: OpaquePointer) {
        _ = township_SSL_CTX_set_tlsext_ticket_key_evp_cb(sslContext, sessionTicketKeyCallback)
        _ = SSL_CTX_set_session_ticket_cb(sslContext, nil, decryptedTicketCallback, nil)
    }
}

/// Whether an `X509*` is within its validity period now.
enum CertificateValidity {
    static func isCurrent(_ certificate: OpaquePointer) -> Bool {
        guard let notBefore = X509_get0_notBefore(certificate), let notAfter = X509_get0_notAfter(certificate) else {
            return false
        }
        // X509_cmp_current_time: -1 earlier than now, 1 later, 0 on error.
        return X509_cmp_current_time(notBefore) < 0 && X509_cmp_current_time(notAfter) > 0
    }
}

/// OpenSSL asks for the key to encrypt a new ticket (`encrypt` 1) or the key a ticket names.
/// Returns 1 (use it), 2 (decrypts, but renew the ticket under the current key), 0 (unknown
/// key: full handshake) or -1 (error).
private func sessionTicketKeyCallback(
    ssl: OpaquePointer?,
    keyName: UnsafeMutablePointer<UInt8>?,
    iv: UnsafeMutablePointer<UInt8>?,
    cipher: OpaquePointer?,
    mac: OpaquePointer?,
    encrypt: Int32
) -> Int32 {
    guard let keyName, let iv, let connection = SSLConnection.from(ssl: ssl),
        let ring = connection.context.ticketKeys
    else {
        return -1
    }
    let nameLength = SessionTicketKeyRing.Key.nameLength
    if encrypt == 1 {
        let key = ring.encryptionKey()
        key.name.withUnsafeBufferPointer { keyName.update(from: $0.baseAddress!, count: nameLength) }
        return township_ticket_crypto_init(cipher, mac, key.encryptionKey, key.macKey, iv, 1) == 1 ? 1 : -1
    }
    let name = Array(UnsafeBufferPointer(start: keyName, count: nameLength))
    guard let found = ring.decryptionKey(named: name) else { return 0 }
    guard township_ticket_crypto_init(cipher, mac, found.key.encryptionKey, found.key.macKey, iv, 0) == 1 else {
        return -1
    }
    return found.isCurrent ? 1 : 2
}

/// After a ticket decrypted: refuse to resume a session whose client certificate is no longer
/// within its validity period; the client then makes a full handshake, in which its
/// certificate is verified (and, if expired, refused with certificate_expired).
private func decryptedTicketCallback(
    ssl: OpaquePointer?,
    session: OpaquePointer?,
    keyName: UnsafePointer<UInt8>?,
    keyNameLength: Int,
    status: SSL_TICKET_STATUS,
    argument: UnsafeMutableRawPointer?
) -> SSL_TICKET_RETURN {
    switch status {
    case SSL_TICKET_SUCCESS, SSL_TICKET_SUCCESS_RENEW:
        if let session, let peer = SSL_SESSION_get0_peer(session), !CertificateValidity.isCurrent(peer) {
            return SSL_TICKET_RETURN_IGNORE
        }
        return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE : SSL_TICKET_RETURN_USE_RENEW
    default:
        // No ticket, or one we cannot decrypt: a full handshake, as OpenSSL would do.
        return SSL_TICKET_RETURN_IGNORE_RENEW
    }
}
