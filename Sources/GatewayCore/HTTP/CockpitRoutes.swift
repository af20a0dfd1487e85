import TownshipRoles
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The cockpit's data: the overview, its drill-downs and the live event stream.
struct CockpitRoutes {
    static let overviewRoles: Set<GatewayRole> = [.leader, .admin]

    /// Who may open the event stream: the roles that may read intake's tickets (intake
    /// decides which events each of them sees).
    static let eventRoles = IntakeRoles.read

    let overview: OverviewService
    /// The backends wired: a drill-down is served when its backend is.
    let wiredBackends: Set<String>
    /// The backend whose events the stream carries (today intake, the only one with events);
    /// the SSE event id is its position.
    let events: (any BackendEventSource)?
    let logger: Logger
    let heartbeat: Duration
    /// At most one `overview` event per this on a stream (`events.overviewNoticeMilliseconds`).
    let overviewNoticeInterval: Duration
    let sessions: SessionAuthenticator
    let streams: EventStreamQuota
    /// Set only for benchmarks (`cockpit.benchmarkStaticOverview`).
    let staticSnapshot: StaticOverviewSnapshot?

    func add(to table: RouteTable) {
        table.add(.get, "/api/cockpit/overview", roles: Self.overviewRoles) { request, _, user in
            let answer = await overview.overview(for: user)
            return OverviewResponse.make(body: answer.body, gzipped: answer.gzipped, etag: answer.etag, to: request)
        }
        for list in OverviewCompaction.lists where wiredBackends.contains(list.backend) {
            table.add(.get, "/api/cockpit/\(list.drillDown)", roles: Self.overviewRoles) { request, _, user in
                // From the same answer as the overview, so the list is the version its ETag names.
                let answer = await overview.overview(for: user)
                guard let body = answer.drillDowns[list.drillDown] else {
                    throw GatewayError(
                        .serviceUnavailable, code: "UNAVAILABLE", reason: "SECTION_UNAVAILABLE",
                        "the overview's \(list.backend) section is unavailable right now, and this list with it", retryAfterSeconds: 2)
                }
                return OverviewResponse.make(body: body, gzipped: nil, etag: answer.etag, to: request)
            }
        }
        if let staticSnapshot {
            table.add(.get, StaticOverviewSnapshot.path, roles: Self.overviewRoles) { request, _, user in
                let answer = await staticSnapshot.answer(for: user)
                return OverviewResponse.make(body: answer.body, gzipped: answer.gzipped, etag: answer.etag, to: request)
            }
        }
        table.add(.get, "/api/events", roles: Self.eventRoles) { request, _, user in
            let token = sessions.token(in: request) ?? ""
            let resumeAfter = try ServerSentEvents.lastEventID(request)
            guard let place = streams.take(for: user.id) else {
                throw GatewayError(
                    .tooManyRequests, code: "RESOURCE_EXHAUSTED", reason: "TOO_MANY_EVENT_STREAMS",
                    "you have \(streams.maxPerUser) event streams open already (events.maxStreamsPerUser); close one first",
                    retryAfterSeconds: 5)
            }
            // Viewers of the overview also hear when it changed.
            let notices: OverviewChangeNotices? = Self.overviewRoles.contains(user.role)
                ? OverviewChangeNotices(overview: overview, user: user, interval: overviewNoticeInterval) : nil
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
                body: ServerSentEvents.body(
                    follower: events.map { EventFollower(source: $0, user: user, logger: logger) }, after: resumeAfter,
                    overview: overview, notices: notices, heartbeat: heartbeat, place: place, requestBody: request.body
                ) {
                    // The database itself, not the session cache: a sign-out on another gateway ends the stream too.
                    (try? await sessions.store.user(forToken: token)) != nil
                })
        }
    }
}
