import Logging
import TownshipRPC
import TownshipWire

/// Follows one backend's events for one viewer, for as long as the viewer's stream lasts:
/// after a disconnect (intake restarting) it resumes from the last position delivered,
/// backing off from 50 ms, doubling to 5 s, while the backend stays away. Nothing is
/// delivered twice and, as the backend's stream has no gaps, nothing is lost.
struct EventFollower: Sendable {
    let source: any BackendEventSource
    let user: GatewayUser
    let logger: Logger

    /// Until cancelled, or until the backend refuses the call itself (then the stream has
    /// nothing to show). A PERMISSION_DENIED is retried like a disconnect: intake ends a
    /// subscription with it when a ticket leaves the viewer's sight between reading an event
    /// and the ticket, and resuming from the same position skips that event.
    func run(after start: Int64?, deliver: (BackendEvent) -> Void) async {
        var position = start
        var pause = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                for try await event in source.events(for: user, after: position) {
                    position = event.position
                    pause = .milliseconds(50)
                    deliver(event)
                }
            } catch let error as RPCError where error.status == .outOfRange {
                // The position is not from this backend's ledger (a reset database): go live.
                logger.notice("event position ahead of the backend; following live", metadata: ["after": "\(position.map(String.init) ?? "live")"])
                position = nil
            } catch let error as RPCError where [CallStatus.unauthenticated, .invalidArgument].contains(error.status) {
                logger.debug("the backend refused the event stream", metadata: ["user": "\(user.id)", "error": "\(error)"])
                return
            } catch {
                logger.debug("event stream failed; resuming", metadata: ["error": "\(error)", "after": "\(position.map(String.init) ?? "live")"])
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }
}
