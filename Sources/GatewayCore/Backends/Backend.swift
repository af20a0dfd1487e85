/// A service behind the gateway. Adding a backend is adding a type conforming to this (in
/// its own file) and one line in `BackendCatalog.factories`; the overview, the event feed,
/// the route table and the page pick it up from here.
public protocol Backend: Sendable {
    /// The service's name, as in its SPIFFE identity ("intake", "canteen-meals", ...).
    var name: String { get }

    /// The backend's part of the cockpit overview, fetched on behalf of `user` within
    /// `timeout`. Throws when there is nothing to show; returns problems when only part of
    /// it could be fetched.
    func overviewSection(for user: GatewayUser, timeout: Duration) async throws -> OverviewSectionData

    /// The backend's live events, if it has any.
    var eventSource: (any BackendEventSource)? { get }

    /// Adds the backend's JSON API to the gateway's routes.
    func addRoutes(to table: RouteTable)

    /// Closes its connections.
    func shutdown() async
}

/// What a backend contributes to the overview.
public struct OverviewSectionData: Sendable {
    public var data: JSONValue
    /// What could not be fetched (the section is then "degraded").
    public var problems: [String]

    public init(data: JSONValue, problems: [String] = []) {
        self.data = data
        self.problems = problems
    }
}

/// A stream of a backend's changes, resumable from a position.
public protocol BackendEventSource: Sendable {
    /// The events `user` may see, after `position` (nil: live only), until the stream fails or
    /// ends. The call carries the user's principal and the backend filters (and masks) by its
    /// own visibility rule, the one its queries use: the gateway has no copy of it.
    func events(for user: GatewayUser, after position: Int64?) -> AsyncThrowingStream<BackendEvent, any Error>
}

/// One change, as the backend showed it to the user it was fetched for.
public struct BackendEvent: Sendable {
    public var backend: String
    /// The backend's position of the event (intake: its ledger position), the SSE event id.
    public var position: Int64
    public var json: String

    public init(backend: String, position: Int64, json: String) {
        self.backend = backend
        self.position = position
        self.json = json
    }
}
