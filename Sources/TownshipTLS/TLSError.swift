/// A TLS failure, naming the check that failed; `reason` strings come from OpenSSL.
public enum TLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Building a context failed: `check` says what (e.g. "load certificate chain /path").
    case configurationFailed(check: String, reason: String)
    /// The handshake failed for a reason not covered below.
    case handshakeFailed(reason: String)
    /// We rejected the peer's certificate (e.g. "certificate has expired",
    /// "unable to get local issuer certificate").
    case certificateVerificationFailed(reason: String)
    /// The peer sent a fatal alert, e.g. "tlsv13 alert certificate required" or
    /// "sslv3 alert certificate expired": in TLS 1.3 a client learns that the server
    /// refused its certificate this way, after its own handshake has completed.
    case peerAlert(reason: String)
    /// Servers: the client sent no certificate.
    case noPeerCertificate
    /// The peer's certificate has no `spiffe://` URI SAN.
    case missingPeerIdentity
    /// The peer's certificate has more than one URI SAN, so no single identity (spec §1).
    case ambiguousPeerIdentity(uris: [String])
    /// Clients: the server's URI SAN is not the identity we meant to reach.
    case peerIdentityMismatch(expected: String, actual: String?)
    /// No protocol in common with the peer's ALPN list (or the peer sent none).
    case noApplicationProtocol(offered: [String])
    case handshakeTimeout
    /// The peer closed the connection during the handshake.
    case connectionClosedDuringHandshake
    /// The connection ended without a close_notify after the handshake.
    case uncleanShutdown
    /// Reading or writing application data failed.
    case readFailed(reason: String)
    case writeFailed(reason: String)

    public var description: String {
        switch self {
        case .configurationFailed(let check, let reason): "TLS configuration: \(check) failed: \(reason)"
        case .handshakeFailed(let reason): "TLS handshake failed: \(reason)"
        case .certificateVerificationFailed(let reason): "peer certificate rejected: \(reason)"
        case .peerAlert(let reason): "peer aborted the TLS connection: \(reason)"
        case .noPeerCertificate: "peer presented no certificate (mutual TLS is required)"
        case .missingPeerIdentity: "peer certificate carries no spiffe:// URI SAN"
        case .ambiguousPeerIdentity(let uris):
            "peer certificate carries \(uris.count) URI SANs (\(uris.joined(separator: ", "))); an identity is exactly one"
        case .peerIdentityMismatch(let expected, let actual):
            "peer identity mismatch: expected \(expected), got \(actual ?? "none")"
        case .noApplicationProtocol(let offered): "no common ALPN protocol (we offer \(offered))"
        case .handshakeTimeout: "TLS handshake timed out"
        case .connectionClosedDuringHandshake: "connection closed during the TLS handshake"
        case .uncleanShutdown: "connection closed without TLS close_notify"
        case .readFailed(let reason): "TLS read failed: \(reason)"
        case .writeFailed(let reason): "TLS write failed: \(reason)"
        }
    }

    /// A short, stable label for metrics dimensions.
    public var metricsReason: String {
        switch self {
        case .configurationFailed: "configuration_failed"
        case .handshakeFailed: "handshake_failed"
        case .certificateVerificationFailed: "certificate_verification_failed"
        case .peerAlert: "peer_alert"
        case .noPeerCertificate: "no_peer_certificate"
        case .missingPeerIdentity: "missing_peer_identity"
        case .ambiguousPeerIdentity: "ambiguous_peer_identity"
        case .peerIdentityMismatch: "peer_identity_mismatch"
        case .noApplicationProtocol: "no_application_protocol"
        case .handshakeTimeout: "handshake_timeout"
        case .connectionClosedDuringHandshake: "closed_during_handshake"
        case .uncleanShutdown: "unclean_shutdown"
        case .readFailed: "read_failed"
        case .writeFailed: "write_failed"
        }
    }
}
