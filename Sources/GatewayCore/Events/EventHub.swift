import Foundation
import Synchronization

/// Hands every backend event to the browsers listening, each through a bounded buffer (a
/// slow browser loses its oldest events, never slows the others).
public final class EventHub: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<BackendEvent>.Continuation]>([:])
    private let published = Atomic<Int>(0)

    public init() {}

    public var subscriberCount: Int { subscribers.withLock { $0.count } }
    public var publishedCount: Int { published.load(ordering: .relaxed) }

    public func subscribe() -> AsyncStream<BackendEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: BackendEvent.self, bufferingPolicy: .bufferingNewest(256))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    public func publish(_ event: BackendEvent) {
        published.add(1, ordering: .relaxed)
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets { continuation.yield(event) }
    }
}

/// Who may see an event in their live feed.
public enum EventVisibility {
    public static let roles: Set<GatewayRole> = [.leader, .admin, .gridWorker, .departmentStaff, .resident]

    /// The event's JSON as `user` may see it, or nil when it is not theirs to see.
    public static func json(of event: BackendEvent, for user: GatewayUser) -> String? {
        switch user.role {
        case .leader, .admin:
            return event.fullJSON
        case .gridWorker:
            guard let grid = user.gridID, event.gridID == grid else { return nil }
            return event.redactedJSON
        case .departmentStaff:
            guard let department = user.departmentID, event.departmentID == department else { return nil }
            return event.redactedJSON
        case .resident:
            return event.submitterID == user.id ? event.redactedJSON : nil
        default:
            return nil
        }
    }
}
