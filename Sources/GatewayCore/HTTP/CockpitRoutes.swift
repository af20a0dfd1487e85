import TownshipRoles
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// The cockpit's data: the overview and the live event stream.
struct CockpitRoutes {
    static let overviewRoles: Set<GatewayRole> = [.leader, .admin]

    /// Who may open the event stream: the roles that may read intake's tickets (intake
    /// decides which events each of them sees).
    static let eventRoles = IntakeRoles.read

    let overview: OverviewService
    /// The backend whose events the stream carries (today intake, the only one with events);
    /// the SSE event id is its position.
    let events: (any BackendEventSource)?
    let logger: Logger
    let heartbeat: Duration
    let sessions: SessionAuthenticator
    let streams: EventStreamQuota
    /// Set only for benchmarks (`cockpit.benchmarkStaticOverview`).
    let staticSnapshot: StaticOverviewSnapshot?

    func add(to table: RouteTable) {
        table.add(.get, "/api/cockpit/overview", roles: Self.overviewRoles) { request, _, user in
            Self.response(for: await overview.overview(for: user), to: request)
        }
        if let staticSnapshot {
            table.add(.get, StaticOverviewSnapshot.path, roles: Self.overviewRoles) { request, _, user in
                Self.response(for: await staticSnapshot.answer(for: user), to: request)
            }
        }
        addEvents(to: table)
    }

    /// The overview's bytes as made once for every request the answer serves.
    static func response(for answer: OverviewService.Answer, to request: Request) -> Response {
        var response = Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                                body: ResponseBody(byteBuffer: answer.body))
        // A wall of screens reads the same cached answer: it is gzipped once, not per request
        // (the middleware leaves a response that is already encoded alone).
        typealias Compression = ResponseCompressionMiddleware<GatewayRequestContext>
        if let gzipped = answer.gzipped, Compression.acceptsGzip(request.headers[values: .acceptEncoding]) {
            Compression.sendGzipped(gzipped, in: &response)
        }
        return response
    }

    private func addEvents(to table: RouteTable) {
        table.add(.get, "/api/events", roles: Self.eventRoles) { request, _, user in
            let token = sessions.token(in: request) ?? ""
            let resumeAfter = try ServerSentEvents.lastEventID(request)
            guard let place = streams.take(for: user.id) else {
                throw GatewayError(
                    .tooManyRequests, code: "RESOURCE_EXHAUSTED", reason: "TOO_MANY_EVENT_STREAMS",
                    "you have \(streams.maxPerUser) event streams open already (events.maxStreamsPerUser); close one first",
                    retryAfterSeconds: 5)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
                body: ServerSentEvents.body(
                    follower: events.map { EventFollower(source: $0, user: user, logger: logger) }, after: resumeAfter,
                    heartbeat: heartbeat, place: place, requestBody: request.body
                ) {
                    (try? await sessions.store.user(forToken: token)) != nil
                })
        }
    }
}

/// A text/event-stream of the events `user` may see, with a comment line as heartbeat so a
/// closed browser is noticed even when nothing happens. The stream ends at the first
/// heartbeat after the session has expired or been signed out. Each event's id is the
/// backend's position: a browser reconnecting (after a network drop or a gateway restart)
/// sends it back as Last-Event-ID and gets every event after it.
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
        follower: EventFollower?, after position: Int64?, heartbeat: Duration, place: EventStreamQuota.Place,
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
                }
            }
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
