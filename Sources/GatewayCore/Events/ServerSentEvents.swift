import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// A text/event-stream of the events `user` may see, with a comment line as heartbeat so a
/// closed browser is noticed even when nothing happens. The stream ends at the first
/// heartbeat after the session has expired or been signed out. Each event's id is the
/// backend's position: a browser reconnecting (after a network drop or a gateway restart)
/// sends it back as Last-Event-ID and gets every event after it. Every backend event also ends
/// the reuse of cached overviews, and, for viewers of the overview, leads to an `overview`
/// event (`OverviewChangeNotices`).
enum ServerSentEvents {
    /// The position in `Last-Event-ID` (`123`, or `intake:123` as earlier gateways wrote it);
    /// nil without one (live events only).
    static func lastEventID(_ request: Request) throws -> Int64? {
        guard let text = request.headers[.lastEventID]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let number = text.hasPrefix("intake:") ? text.dropFirst("intake:".count) : Substring(text)
        guard let position = Int64(number), position >= 0 else {
            throw GatewayError.badRequest("Last-Event-ID must be an event id this stream sent (a position), not '\(text.prefix(64))'")
        }
        return position
    }

    /// Lines queued for one browser before its stream is ended (see `body`).
    static let backlog = 256

    static func body(
        follower: EventFollower?, after position: Int64?, overview: OverviewService, notices: OverviewChangeNotices?,
        heartbeat: Duration, place: EventStreamQuota.Place,
        requestBody: RequestBody, sessionIsLive: @escaping @Sendable () async -> Bool
    ) -> ResponseBody {
        // The body holds the user's stream place until it is done with (or dropped unrun).
        ResponseBody { writer in
            withExtendedLifetime(place) {}
            // A browser slower than its events (a long replay after Last-Event-ID) must not lose
            // any: when it is `backlog` lines behind, the stream ends after the ones queued,
            // which are contiguous, and the browser resumes from the last of them.
            let (lines, sink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(backlog))
            @Sendable func send(_ line: String) {
                if case .dropped = sink.yield(line) { sink.finish() }
            }
            let forward = Task {
                await follower?.run(after: position) { event in
                    send("id: \(event.position)\nevent: \(event.backend)\ndata: \(event.json)\n\n")
                    overview.invalidate()
                    notices?.changed()
                }
            }
            let announce = Task { await notices?.run(send: send) }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    guard await sessionIsLive() else {
                        sink.finish()
                        return
                    }
                    send(": heartbeat\n\n")
                }
            }
            defer {
                forward.cancel()
                beat.cancel()
                announce.cancel()
                notices?.finish()
                sink.finish()
            }
            try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
            // A stream never ends on its own: on SIGTERM it ends, so the gateway can stop, and
            // the browser reconnects (after `retry`) to whichever gateway serves next. A browser
            // that goes away ends it at once (not at the next write), so its place and its
            // subscription at the backend are given back before it reconnects.
            try await requestBody.consumeWithInboundCloseHandler { _ in
                try await withGracefulShutdownHandler {
                    for await line in lines {
                        try await writer.write(ByteBuffer(string: line))
                    }
                } onGracefulShutdown: {
                    sink.finish()
                }
            } onInboundClosed: {
                sink.finish()
            }
            try await writer.finish(nil)
        }
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
