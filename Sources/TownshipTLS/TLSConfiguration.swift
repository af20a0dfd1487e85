import NIOCore
import TownshipCertificates

/// Which side of the handshake a context serves.
public enum TLSRole: String, Sendable, Hashable {
    case server
    case client
}

/// Everything needed to build a `TLSContext`. Paths are read when the context is built (and
/// again on every `ReloadableTLSContext.reload()`), so certificates can be rotated on disk.
public struct TLSConfiguration: Sendable, Hashable {
    public static let defaultApplicationProtocols = ["twp/1"]
    public static let defaultHandshakeTimeout = TimeAmount.seconds(10)
    public static let defaultCloseTimeout = TimeAmount.seconds(5)
    public static let defaultSessionLifetime = TimeAmount.hours(1)
    public static let defaultSessionTicketKeyRotation = TimeAmount.hours(1)

    public var role: TLSRole
    /// PEM file: our certificate first, then any intermediates. Required for servers;
    /// a client without one cannot pass a Township server's mutual-TLS check.
    public var certificateChainPath: String?
    /// PEM file with the private key of the first certificate of the chain.
    public var privateKeyPath: String?
    /// PEM file of the CA certificates that peers' certificates must chain to.
    public var trustedCAPath: String
    /// SHA-256 fingerprints (lowercase hex, of the DER) of CA certificates that are never
    /// trusted: a trust file holding one is refused. Defaults to the burnt CAs; tests inject others.
    public var distrustedCAFingerprints = BurntCertificateAuthorities.sha256Fingerprints
    /// ALPN protocol ids, most preferred first. A server refuses clients offering none of them.
    public var applicationProtocols: [String]
    public var handshakeTimeout: TimeAmount
    /// How long a close waits for our last TLS bytes (close_notify, or an alert) to be
    /// written before the socket is closed regardless: a peer that stops reading cannot pin
    /// a closing connection.
    public var closeTimeout = TLSConfiguration.defaultCloseTimeout
    /// Clients: the SPIFFE URI the server's certificate must carry (URI SAN), e.g.
    /// `spiffe://township.local/service/intake`. Can be overridden per connection.
    /// Required for clients (`TLSContext` refuses a client configuration without it): a
    /// client always checks whom it reached. `nil` for servers.
    public var expectedServerIdentity: String?
    /// Servers: reject peers whose certificate carries no `spiffe://` URI SAN.
    public var requirePeerIdentity: Bool
    /// Servers: TLS 1.3 session tickets sent after each full handshake.
    public var sessionTicketCount: Int
    /// Servers: demand a client certificate (mutual TLS). Only a server for browsers turns
    /// this off; every service-to-service server keeps it.
    public var requireClientCertificate = true
    /// Servers: how long a session (a TLS 1.3 ticket) can be resumed after its full
    /// handshake. A resumed handshake skips certificate verification, so this bounds how long
    /// a certificate's verdict is reused (its validity period is still checked on each resumption).
    public var sessionLifetime = TLSConfiguration.defaultSessionLifetime
    /// Servers: session tickets are encrypted with a key replaced this often; the previous
    /// key still decrypts (and renews) tickets for one more period. Keep it at least
    /// `sessionLifetime` so a ticket stays decryptable for its whole lifetime.
    public var sessionTicketKeyRotation = TLSConfiguration.defaultSessionTicketKeyRotation

    public init(
        role: TLSRole,
        certificateChainPath: String?,
        privateKeyPath: String?,
        trustedCAPath: String,
        applicationProtocols: [String] = TLSConfiguration.defaultApplicationProtocols,
        handshakeTimeout: TimeAmount = TLSConfiguration.defaultHandshakeTimeout,
        expectedServerIdentity: String? = nil,
        requirePeerIdentity: Bool = true,
        sessionTicketCount: Int = 2
    ) {
        self.role = role
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustedCAPath = trustedCAPath
        self.applicationProtocols = applicationProtocols
        self.handshakeTimeout = handshakeTimeout
        self.expectedServerIdentity = expectedServerIdentity
        self.requirePeerIdentity = requirePeerIdentity
        self.sessionTicketCount = sessionTicketCount
    }

    /// A server for browsers and other HTTP clients: TLS 1.3, ALPN `http/1.1`, no client
    /// certificate asked for.
    public static func browserFacingServer(certificateChainPath: String, privateKeyPath: String, trustedCAPath: String) -> TLSConfiguration {
        var configuration = TLSConfiguration(
            role: .server, certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath,
            trustedCAPath: trustedCAPath, applicationProtocols: ["http/1.1"], requirePeerIdentity: false)
        configuration.requireClientCertificate = false
        return configuration
    }

    public static func server(
        certificateChainPath: String,
        privateKeyPath: String,
        trustedCAPath: String
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .server,
            certificateChainPath: certificateChainPath,
            privateKeyPath: privateKeyPath,
            trustedCAPath: trustedCAPath
        )
    }

    public static func client(
        certificateChainPath: String?,
        privateKeyPath: String?,
        trustedCAPath: String,
        expectedServerIdentity: String
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .client,
            certificateChainPath: certificateChainPath,
            privateKeyPath: privateKeyPath,
            trustedCAPath: trustedCAPath,
            expectedServerIdentity: expectedServerIdentity
        )
    }
}
