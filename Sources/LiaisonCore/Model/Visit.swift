/// A liaison's visit to an organisation: when, what was found, what is to follow.
public struct Visit: Sendable, Hashable {
    public var id: Int64
    public var liaisonID: String
    public var organisationID: String
    public var date: LocalDate
    public var findings: String
    public var followUps: [String]

    public static let maxFollowUps = 20

    public init(id: Int64, liaisonID: String, organisationID: String, date: LocalDate, findings: String, followUps: [String]) {
        self.id = id
        self.liaisonID = liaisonID
        self.organisationID = organisationID
        self.date = date
        self.findings = findings
        self.followUps = followUps
    }

    /// A visit is recorded by the liaison assigned to the organisation on the visit's day, on
    /// or before today.
    public func validated(assignments: AssignmentHistory, now: Instant) throws(LiaisonError) -> Visit {
        try Validate.text(findings, field: "visit.findings")
        guard followUps.count <= Self.maxFollowUps else {
            throw .invalid(field: "visit.follow_ups", "at most \(Self.maxFollowUps) follow-ups, not \(followUps.count)")
        }
        for (i, followUp) in followUps.enumerated() { try Validate.text(followUp, field: "visit.follow_ups[\(i)]") }
        guard date <= LocalDate(containing: now) else {
            throw .invalid(field: "visit.date", "\(date) is in the future")
        }
        let endOfDay = date.start.adding(days: 1).adding(seconds: -1)
        guard assignments.assignments.contains(where: { $0.liaisonID == liaisonID && $0.from <= endOfDay && ($0.until.map { date.start < $0 } ?? true) }) else {
            throw .denied(reason: LiaisonReason.notAssigned, "liaison \(liaisonID) was not assigned to \(organisationID) on \(date)")
        }
        return self
    }
}
