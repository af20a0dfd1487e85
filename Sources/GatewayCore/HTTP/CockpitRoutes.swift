import Hummingbird
import ServiceLifecycle

/// The cockpit's data: the overview and the live event stream.
struct CockpitRoutes {
    static let overviewRoles: Set<GatewayRole> = [.leader, .admin]

    let overview: OverviewService
    let hub: EventHub
    let heartbeat: Duration
    let sessions: SessionAuthenticator
    let streams: EventStreamQuota

    func add(to table: RouteTable) {
        table.add(.get, "/api/cockpit/overview", roles: Self.overviewRoles) { request, _, user in
            let answer = await overview.overview(for: user)
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
        table.add(.get, "/api/events", roles: EventVisibility.roles) { request, _, user in
            let token = sessions.token(in: request) ?? ""
            guard let place = streams.take(for: user.id) else {
                throw GatewayError(
                    .tooManyRequests, code: "RESOURCE_EXHAUSTED", reason: "TOO_MANY_EVENT_STREAMS",
                    "you have \(streams.maxPerUser) event streams open already (events.maxStreamsPerUser); close one first",
                    retryAfterSeconds: 5)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
                body: ServerSentEvents.body(hub: hub, user: user, heartbeat: heartbeat, place: place) {
                    (try? await sessions.store.user(forToken: token)) != nil
                })
        }
    }
}

/// A text/event-stream of the events `user` may see, with a comment line as heartbeat so a
/// closed browser is noticed even when nothing happens. The stream ends at the first
/// heartbeat after the session has expired or been signed out.
enum ServerSentEvents {
    static func body(
        hub: EventHub, user: GatewayUser, heartbeat: Duration, place: EventStreamQuota.Place,
        sessionIsLive: @escaping @Sendable () async -> Bool
    ) -> ResponseBody {
        // The body holds the user's stream place until it is done with (or dropped unrun).
        ResponseBody { writer in
            withExtendedLifetime(place) {}
            let (lines, sink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(256))
            let subscription = hub.subscribe()
            let forward = Task {
                for await event in subscription {
                    guard let json = EventVisibility.json(of: event, for: user) else { continue }
                    sink.yield("id: \(event.backend):\(event.position)\nevent: \(event.backend)\ndata: \(json)\n\n")
                }
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    guard await sessionIsLive() else {
                        sink.finish()
                        return
                    }
                    sink.yield(": heartbeat\n\n")
                }
            }
            defer {
                forward.cancel()
                beat.cancel()
                sink.finish()
            }
            try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
            // A stream never ends on its own: on SIGTERM it ends, so the gateway can stop, and
            // the browser reconnects (after `retry`) to whichever gateway serves next.
            try await withGracefulShutdownHandler {
                for await line in lines {
                    try await writer.write(ByteBuffer(string: line))
                }
            } onGracefulShutdown: {
                sink.finish()
            }
            try await writer.finish(nil)
        }
    }
}
