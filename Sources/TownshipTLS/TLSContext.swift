import COpenSSL
import CTownshipOpenSSLShims
import Foundation
import NIOCore
import NIOPosix

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
        if configuration.role == .server {
            // Tell clients which CA we accept, so a client holding several can choose.
            if let names = SSL_load_client_CA_file(path) {
                SSL_CTX_set_client_CA_list(sslContext, names)
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
