import COpenSSL
import CTownshipOpenSSLShims
import Foundation
import NIOCore
import NIOPosix
import TownshipCertificates

/// An `SSL_CTX` configured for Township: TLS 1.3 only, mutual TLS, ALPN, session resumption.
///
/// Build it off the event loop (it reads and parses files): `init(configuration:)` blocks,
/// `load(configuration:)` runs it on NIO's thread pool. One context serves many connections
/// on any number of event loops.
///
/// `@unchecked Sendable`: the `SSL_CTX` is fully configured in `init` and never mutated
/// afterwards; OpenSSL documents `SSL_new` and session-ticket handling on a shared,
/// configured `SSL_CTX` as thread-safe. The client session cache has its own lock.
public final class TLSContext: @unchecked Sendable {
    public let configuration: TLSConfiguration
    let sslContext: OpaquePointer
    let sessionCache: ClientSessionCache?
    /// Servers: the keys session tickets are encrypted under.
    let ticketKeys: SessionTicketKeyRing?
    /// ALPN protocols in wire format (length-prefixed), read by the server's select callback.
    let alpnWireFormat: [UInt8]

    public convenience init(configuration: TLSConfiguration) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        try self.init(validated: configuration)
    }

    /// Builds the context on NIO's blocking-I/O thread pool.
    public static func load(
        configuration: TLSConfiguration,
        threadPool: NIOThreadPool = .singleton
    ) async throws -> TLSContext {
        try await threadPool.runIfActive {
            try TLSContext(configuration: configuration)
        }
    }

    private init(validated configuration: TLSConfiguration) throws(TLSError) {
        if configuration.role == .client, (configuration.expectedServerIdentity ?? "").isEmpty {
            throw .configurationFailed(
                check: "client expected server identity",
                reason: "a client must name the server identity it expects (expectedServerIdentity)"
            )
        }
        self.configuration = configuration
        self.alpnWireFormat = try Self.alpnWireFormat(configuration.applicationProtocols)
        guard let context = SSL_CTX_new(TLS_method()) else {
            throw .configurationFailed(
                check: "create SSL_CTX",
                reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_new failed")
            )
        }
        self.sslContext = context
        self.sessionCache = configuration.role == .client ? ClientSessionCache() : nil
        self.ticketKeys = configuration.role == .server
            ? SessionTicketKeyRing(rotation: configuration.sessionTicketKeyRotation) : nil
        // From here on, deinit frees what was allocated if a step throws.
        try configureProtocol()
        try loadIdentity()
        try loadTrust()
        switch configuration.role {
        case .server: try configureServer()
        case .client: try configureClient()
        }
    }

    deinit {
        SSL_CTX_free(sslContext)
    }

    private func configureProtocol() throws(TLSError) {
        guard township_SSL_CTX_set_min_proto_version(sslContext, TLS1_3_VERSION) == 1,
            township_SSL_CTX_set_max_proto_version(sslContext, TLS1_3_VERSION) == 1
        else {
            throw .configurationFailed(
                check: "restrict protocol to TLS 1.3",
                reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_set_min/max_proto_version failed")
            )
        }
        _ = SSL_CTX_set_options(sslContext, township_SSL_OP_NO_COMPRESSION() | township_SSL_OP_NO_RENEGOTIATION())
        // The client's verify callback checks the server's SPIFFE identity; the server's
        // rejects certificates without one. Both run after OpenSSL's own chain checks.
        var mode = SSL_VERIFY_PEER
        if configuration.role == .server {
            mode = configuration.requireClientCertificate ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_NONE
        }
        SSL_CTX_set_verify(sslContext, mode, sslConnectionVerifyCallback)
        // Required for resuming sessions in which the client was verified.
        let sessionIDContext = Array("township-twp".utf8)
        guard SSL_CTX_set_session_id_context(sslContext, sessionIDContext, UInt32(sessionIDContext.count)) == 1 else {
            throw .configurationFailed(
                check: "set session id context",
                reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_set_session_id_context failed")
            )
        }
    }

    private func loadIdentity() throws(TLSError) {
        switch (configuration.certificateChainPath, configuration.privateKeyPath) {
        case (nil, nil):
            guard configuration.role == .client else {
                throw .configurationFailed(check: "server certificate", reason: "a server needs a certificate chain and a private key")
            }
        case (let chainPath?, let keyPath?):
            try Self.requireReadableFile(chainPath, check: "load certificate chain")
            try Self.requireReadableFile(keyPath, check: "load private key")
            do {
                try PrivateKeyFile.checkPermissions(atPath: keyPath)
            } catch {
                throw .configurationFailed(check: "load private key \(keyPath)", reason: error.description)
            }
            guard SSL_CTX_use_certificate_chain_file(sslContext, chainPath) == 1 else {
                throw .configurationFailed(
                    check: "load certificate chain \(chainPath)",
                    reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_use_certificate_chain_file failed")
                )
            }
            guard SSL_CTX_use_PrivateKey_file(sslContext, keyPath, SSL_FILETYPE_PEM) == 1 else {
                throw .configurationFailed(
                    check: "load private key \(keyPath)",
                    reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_use_PrivateKey_file failed")
                )
            }
            guard SSL_CTX_check_private_key(sslContext) == 1 else {
                throw .configurationFailed(
                    check: "match private key \(keyPath) to certificate \(chainPath)",
                    reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_check_private_key failed")
                )
            }
        default:
            throw .configurationFailed(
                check: "certificate and key paths",
                reason: "give both a certificate chain path and a private key path, or neither"
            )
        }
    }

    private func loadTrust() throws(TLSError) {
        let path = configuration.trustedCAPath
        try Self.requireReadableFile(path, check: "load trusted CA")
        guard SSL_CTX_load_verify_file(sslContext, path) == 1 else {
            throw .configurationFailed(
                check: "load trusted CA \(path)",
                reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_load_verify_file failed")
            )
        }
        try refuseDistrustedCAs(in: path)
        if configuration.role == .server {
            // Tell clients which CA we accept, so a client holding several can choose.
            if let names = SSL_load_client_CA_file(path) {
                SSL_CTX_set_client_CA_list(sslContext, names)
            }
        }
    }

    /// Every certificate the trust file put in the store, checked against the distrusted list.
    private func refuseDistrustedCAs(in path: String) throws(TLSError) {
        guard !configuration.distrustedCAFingerprints.isEmpty,
            let store = SSL_CTX_get_cert_store(sslContext),
            let objects = X509_STORE_get0_objects(store)
        else {
            return
        }
        for index in 0..<OPENSSL_sk_num(objects) {
            guard let object = OPENSSL_sk_value(objects, index),
                let certificate = X509_OBJECT_get0_X509(OpaquePointer(object))
            else {
                continue
            }
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else { continue }
            let fingerprint = digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
            if configuration.distrustedCAFingerprints.contains(fingerprint) {
                throw .configurationFailed(
                    check: "load trusted CA \(path)",
                    reason: BurntCertificateAuthorityError(path: path, fingerprint: fingerprint).description
                )
            }
        }
    }

    private func configureServer() throws(TLSError) {
        guard SSL_CTX_set_num_tickets(sslContext, max(0, configuration.sessionTicketCount)) == 1 else {
            throw .configurationFailed(
                check: "set session ticket count",
                reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_set_num_tickets failed")
            )
        }
        SSL_CTX_set_alpn_select_cb(sslContext, serverALPNSelectCallback, nil)
        // The ALPN select callback only runs when the client offers ALPN; a ClientHello
        // without any is refused here, in the handshake, with no_application_protocol (§1).
        SSL_CTX_set_client_hello_cb(sslContext, serverClientHelloCallback, nil)
        // Bounds resumption (and the ticket lifetime hint sent to clients).
        _ = SSL_CTX_set_timeout(sslContext, Int(max(1, configuration.sessionLifetime.nanoseconds / 1_000_000_000)))
        SessionResumption.configureServer(sslContext)
    }

    private func configureClient() throws(TLSError) {
        // Unlike almost every other OpenSSL call, this one returns 0 on success.
        guard SSL_CTX_set_alpn_protos(sslContext, alpnWireFormat, UInt32(alpnWireFormat.count)) == 0 else {
            throw .configurationFailed(
                check: "set ALPN protocols",
                reason: OpenSSLErrorQueue.drainedReason(fallback: "SSL_CTX_set_alpn_protos failed")
            )
        }
        // Sessions (TLS 1.3 tickets) go to our per-endpoint cache, not OpenSSL's.
        _ = township_SSL_CTX_set_session_cache_mode(
            sslContext,
            Int(SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE)
        )
        SSL_CTX_sess_set_new_cb(sslContext, clientNewSessionCallback)
    }

    private static func requireReadableFile(_ path: String, check: String) throws(TLSError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "file is not readable" : "no such file"
            throw .configurationFailed(check: "\(check) \(path)", reason: reason)
        }
    }

    private static func alpnWireFormat(_ protocols: [String]) throws(TLSError) -> [UInt8] {
        guard !protocols.isEmpty else {
            throw .configurationFailed(check: "ALPN protocols", reason: "the list is empty")
        }
        var wire: [UInt8] = []
        for name in protocols {
            let bytes = Array(name.utf8)
            guard (1...255).contains(bytes.count) else {
                throw .configurationFailed(check: "ALPN protocol '\(name)'", reason: "must be 1 to 255 bytes")
            }
            wire.append(UInt8(bytes.count))
            wire.append(contentsOf: bytes)
        }
        return wire
    }
}

/// Server side: pick our most preferred protocol the client offers; none in common is a
/// fatal no_application_protocol alert.
private func serverALPNSelectCallback(
    ssl: OpaquePointer?,
    out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    outLength: UnsafeMutablePointer<UInt8>?,
    clientList: UnsafePointer<UInt8>?,
    clientListLength: UInt32,
    argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let clientList, let connection = SSLConnection.from(ssl: ssl) else {
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }
    let offered = UnsafeBufferPointer(start: clientList, count: Int(clientListLength))
    let ours = connection.context.alpnWireFormat
    var ourIndex = 0
    while ourIndex < ours.count {
        let ourLength = Int(ours[ourIndex])
        let ourName = ours[(ourIndex + 1)..<(ourIndex + 1 + ourLength)]
        var offeredIndex = 0
        while offeredIndex < offered.count {
            let length = Int(offered[offeredIndex])
            let start = offeredIndex + 1
            guard start + length <= offered.count else { break }
            if length == ourLength && offered[start..<(start + length)].elementsEqual(ourName) {
                // Must point into the client's list, which outlives this callback.
                out.pointee = clientList + start
                outLength.pointee = UInt8(length)
                return SSL_TLSEXT_ERR_OK
            }
            offeredIndex = start + length
        }
        ourIndex += 1 + ourLength
    }
    connection.recordALPNRefusal()
    return SSL_TLSEXT_ERR_ALERT_FATAL
}

/// Server side: refuse a ClientHello without the ALPN extension.
private func serverClientHelloCallback(
    ssl: OpaquePointer?,
    alert: UnsafeMutablePointer<Int32>?,
    argument: UnsafeMutableRawPointer?
) -> Int32 {
    var extensionData: UnsafePointer<UInt8>?
    var extensionLength = 0
    let offersALPN = SSL_client_hello_get0_ext(
        ssl, UInt32(TLSEXT_TYPE_application_layer_protocol_negotiation), &extensionData, &extensionLength) == 1
    if offersALPN {
        return SSL_CLIENT_HELLO_SUCCESS
    }
    SSLConnection.from(ssl: ssl)?.recordALPNRefusal()
    alert?.pointee = SSL_AD_NO_APPLICATION_PROTOCOL
    return SSL_CLIENT_HELLO_ERROR
}

/// Client side: a new session (a TLS 1.3 ticket) arrived; keep it for this endpoint.
/// Returning 1 tells OpenSSL we took the session's reference.
private func clientNewSessionCallback(ssl: OpaquePointer?, session: OpaquePointer?) -> Int32 {
    guard let session, let connection = SSLConnection.from(ssl: ssl),
        let key = connection.sessionCacheKey, let cache = connection.context.sessionCache
    else {
        return 0
    }
    cache.store(session, for: key)
    return 1
}
