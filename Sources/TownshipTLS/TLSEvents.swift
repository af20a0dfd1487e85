/// Fired as a user inbound event once the handshake has completed and our checks passed.
/// Application data written before this is buffered and sent right after it.
///
/// A client must not take this as proof the server accepted its certificate: in TLS 1.3
/// a refusal arrives later, as a `TLSError.peerAlert` on the next read.
public struct TLSHandshakeCompleted: Sendable, Hashable {
    /// The peer certificate's `spiffe://` URI SAN.
    public let peerIdentity: String?
    public let negotiatedALPN: String?
    /// Whether the session was resumed from a ticket (no certificate exchange).
    public let resumed: Bool

    public init(peerIdentity: String?, negotiatedALPN: String?, resumed: Bool) {
        self.peerIdentity = peerIdentity
        self.negotiatedALPN = negotiatedALPN
        self.resumed = resumed
    }
}

/// Fired as a user inbound event when the peer sent close_notify; the handler then answers
/// with its own close_notify and closes the channel.
public struct TLSCloseNotifyReceived: Sendable, Hashable {
    public init() {}
}

/// Outbound user event: close the socket now, without waiting for close_notify or buffered
/// ciphertext to be written. For a caller's own bound on a close (e.g. the RPC layer's close
/// timeout when a peer stops reading), which may be shorter than the TLS close timeout.
public struct TLSCloseImmediately: Sendable, Hashable {
    public init() {}
}
