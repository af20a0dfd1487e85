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
    /// Events after `position` (nil: live only), until the stream fails or ends.
    func events(after position: Int64?) -> AsyncThrowingStream<BackendEvent, any Error>
}

/// One change, with what the gateway needs to decide who may see it.
public struct BackendEvent: Sendable {
    public var backend: String
    public var position: Int64
    public var villageID: String?
    public var gridID: String?
    public var departmentID: String?
    /// Who filed the ticket (residents see their own tickets' events).
    public var submitterID: String?
    /// The event for leaders and admins, as JSON.
    public var fullJSON: String
    /// The event without personal data, for everyone else.
    public var redactedJSON: String

    public init(
        backend: String, position: Int64, villageID: String? = nil, gridID: String? = nil, departmentID: String? = nil,
        submitterID: String? = nil, fullJSON: String, redactedJSON: String
    ) {
        self.backend = backend
        self.position = position
        self.villageID = villageID
        self.gridID = gridID
        self.departmentID = departmentID
        self.submitterID = submitterID
        self.fullJSON = fullJSON
        self.redactedJSON = redactedJSON
    }
}
