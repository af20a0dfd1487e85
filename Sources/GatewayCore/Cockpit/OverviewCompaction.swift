/// What a leader's phone shows at a glance: the overview keeps counts, rates and the few most
/// urgent items of each long list; the whole lists are drill-downs (`/api/cockpit/<name>`),
/// made in the same round (so they match the overview's ETag) and loaded by the page only
/// when their panel is opened.
enum OverviewCompaction {
    struct LongList: Sendable {
        /// The backend whose section has the list.
        var backend: String
        /// The list's member in the section's data.
        var member: String
        /// The drill-down's name, also its path under `/api/cockpit/`.
        var drillDown: String
        /// Items kept in the overview: the first ones, which the backend lists most urgent first.
        var keep: Int
    }

    /// Intake's open tickets: escalated and overdue ones first (`IntakeBackend.overdueFirst`).
    static let lists = [LongList(backend: "intake", member: "openTickets", drillDown: "intake/open-tickets", keep: 5)]

    /// `data` with each long list of `backend` cut to its first items, beside `<member>Count`
    /// (the whole list's length) and `<member>DrillDown` (its path); and the whole lists as
    /// drill-down documents `{"<member>": [...]}`.
    static func compact(backend: String, data: JSONValue) -> (data: JSONValue, drillDowns: [String: String]) {
        guard case .object(let members) = data else { return (data, [:]) }
        var compacted: [(String, JSONValue)] = []
        var drillDowns: [String: String] = [:]
        for (key, value) in members {
            guard let list = lists.first(where: { $0.backend == backend && $0.member == key }), case .array(let items) = value else {
                compacted.append((key, value))
                continue
            }
            compacted.append((key, .array(Array(items.prefix(list.keep)))))
            compacted.append(("\(key)Count", .integer(Int64(items.count))))
            compacted.append(("\(key)DrillDown", .string("/api/cockpit/\(list.drillDown)")))
            drillDowns[list.drillDown] = JSONValue.object([(key, value)]).render()
        }
        return (.object(compacted), drillDowns)
    }
}
