import COpenSSL
import NIOCore
import Synchronization

/// A server's session-ticket keys: tickets are encrypted under the current key, which is
/// replaced every `rotation`; the previous key still decrypts (and the ticket is then
/// renewed) for one more period, after which its tickets are refused.
///
/// Rotation is driven by the clock and checked on every ticket encrypted or decrypted, so an
/// idle server needs no timer and a busy one never uses a key past its period.
final class SessionTicketKeyRing: Sendable {
    struct Key: Sendable, Equatable {
        static let nameLength = 16
        /// Sent in clear in each ticket, to find the key again.
        let name: [UInt8]
        let encryptionKey: [UInt8]
        let macKey: [UInt8]

        static func random() -> Key {
            Key(name: randomBytes(nameLength), encryptionKey: randomBytes(32), macKey: randomBytes(32))
        }

        private static func randomBytes(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices {
                bytes[index] = generator.next()
            }
            return bytes
        }
    }

    private struct Keys {
        var current: Key
        var previous: Key?
        var currentSince: NIODeadline
    }

    let rotation: TimeAmount
    private let now: @Sendable () -> NIODeadline
    private let keys: Mutex<Keys>

    init(rotation: TimeAmount, now: @escaping @Sendable () -> NIODeadline = { NIODeadline.now() }) {
        self.rotation = rotation
        self.now = now
        self.keys = Mutex(Keys(current: .random(), previous: nil, currentSince: now()))
    }

    /// The key to encrypt a new ticket with.
    func encryptionKey() -> Key {
        keys.withLock { keys in
            rotateIfDue(&keys)
            return keys.current
        }
    }

    /// The key a ticket names, and whether it is the current one (if not, the ticket is
    /// renewed under the current key); nil once the key has been retired.
    func decryptionKey(named name: [UInt8]) -> (key: Key, isCurrent: Bool)? {
        keys.withLock { keys in
            rotateIfDue(&keys)
            if keys.current.name == name { return (keys.current, true) }
            if let previous = keys.previous, previous.name == name { return (previous, false) }
            return nil
        }
    }

    private func rotateIfDue(_ keys: inout Keys) {
        let instant = now()
        let periods = (instant - keys.currentSince).nanoseconds / max(1, rotation.nanoseconds)
        guard periods >= 1 else { return }
        // A key decrypts for one period after it stops encrypting; after two, nothing is left.
        keys.previous = periods == 1 ? keys.current : nil
        keys.current = .random()
        keys.currentSince = keys.currentSince + .nanoseconds(periods * rotation.nanoseconds)
    }
}
