import COpenSSL
import Synchronization

/// A client's last TLS session per endpoint, offered on the next connection to it.
/// Bounded: when full, an arbitrary entry is evicted.
final class ClientSessionCache: Sendable {
    static let maximumEntries = 1024

    /// `SSL_SESSION*` values; each entry owns one reference.
    private let sessions = Mutex<[String: SessionReference]>([:])

    struct SessionReference: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    deinit {
        sessions.withLock { sessions in
            for reference in sessions.values {
                SSL_SESSION_free(reference.pointer)
            }
            sessions.removeAll()
        }
    }

    /// Takes ownership of one reference to `session`.
    func store(_ session: OpaquePointer, for key: String) {
        let replaced: SessionReference? = sessions.withLock { sessions in
            var evicted = sessions.updateValue(SessionReference(pointer: session), forKey: key)
            if evicted == nil, sessions.count > Self.maximumEntries, let victim = sessions.keys.first(where: { $0 != key }) {
                evicted = sessions.removeValue(forKey: victim)
            }
            return evicted
        }
        if let replaced {
            SSL_SESSION_free(replaced.pointer)
        }
    }

    /// Offers the cached session for `key` on `ssl`, if any and still resumable.
    func offer(for key: String, on ssl: OpaquePointer) {
        sessions.withLock { sessions in
            guard let reference = sessions[key] else { return }
            // A session whose server certificate has expired since is not offered.
            let peerIsCurrent = SSL_SESSION_get0_peer(reference.pointer).map(CertificateValidity.isCurrent) ?? true
            guard SSL_SESSION_is_resumable(reference.pointer) == 1, peerIsCurrent else {
                sessions.removeValue(forKey: key)
                SSL_SESSION_free(reference.pointer)
                return
            }
            // Under the lock so a concurrent store cannot free the session meanwhile;
            // SSL_set_session takes its own reference.
            _ = SSL_set_session(ssl, reference.pointer)
        }
    }

    func forget(_ key: String) {
        let removed = sessions.withLock { $0.removeValue(forKey: key) }
        if let removed {
            SSL_SESSION_free(removed.pointer)
        }
    }
}
