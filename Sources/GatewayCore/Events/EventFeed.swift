import Logging
import ServiceLifecycle
import TownshipRPC

/// Follows every backend's event stream and publishes to the hub. After a disconnect it
/// resumes from the last position seen, backing off (50 ms doubling to 5 s) while the
/// backend stays away.
public final class EventFeed: Service, Sendable {
    private let backends: [any Backend]
    private let hub: EventHub
    private let logger: Logger

    public init(backends: [any Backend], hub: EventHub, logger: Logger) {
        self.backends = backends
        self.hub = hub
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for backend in self.backends {
                    guard let source = backend.eventSource else { continue }
                    group.addTask { await self.follow(backend.name, source) }
                }
            }
        }
        // With nothing to follow, stay until the stop: a service that returns early would
        // stop the whole group.
        try? await gracefulShutdown()
    }

    private func follow(_ name: String, _ source: any BackendEventSource) async {
        var lastPosition: Int64?
        var pause = Duration.milliseconds(50)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                for try await event in source.events(after: lastPosition) {
                    lastPosition = event.position
                    pause = .milliseconds(50)
                    hub.publish(event)
                }
                logger.info("event stream ended; reconnecting", metadata: ["backend": "\(name)"])
            } catch let error as RPCError where error.status == .outOfRange {
                // The backend's ledger is not the one our position came from: start live.
                logger.warning("event position ahead of the backend; following live", metadata: ["backend": "\(name)"])
                lastPosition = nil
            } catch {
                logger.debug("event stream failed; reconnecting", metadata: ["backend": "\(name)", "error": "\(error)", "after": "\(lastPosition.map(String.init) ?? "live")"])
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }
}
