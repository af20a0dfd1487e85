import NIOCore
import Synchronization

/// The open connections of a server, so that a shutdown can drain each of them.
final class ServerConnectionRegistry: Sendable {
    private let connections = Mutex<[ObjectIdentifier: (Channel, ServerConnectionLink)]>([:])

    func add(_ channel: Channel, link: ServerConnectionLink) {
        connections.withLock { $0[ObjectIdentifier(channel)] = (channel, link) }
    }

    func remove(_ channel: Channel) {
        connections.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var count: Int { connections.withLock { $0.count } }

    /// Sends GOAWAY on every connection; each closes when its calls are done.
    func drainAll() {
        for (_, link) in connections.withLock({ Array($0.values) }) {
            link.eventLoop.execute { link.handler.value.beginDrain() }
        }
    }

    func closeAll() async {
        let channels = connections.withLock { $0.values.map(\.0) }
        for channel in channels { try? await channel.close() }
    }
}
