/// A job fair: when and where, and who organises it (e.g. a party-building alliance).
public struct Fair: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    /// ISO 8601 calendar dates (`2026-03-14`); `endDate` ≥ `startDate`.
    public var startDate: String
    public var endDate: String
    public var venue: String
    public var organiser: String

    public init(id: Int, name: String, startDate: String, endDate: String, venue: String, organiser: String) {
        self.id = id
        self.name = name
        self.startDate = startDate
        self.endDate = endDate
        self.venue = venue
        self.organiser = organiser
    }
}
