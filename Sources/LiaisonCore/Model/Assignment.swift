/// A liaison assigned to an organisation from `from` until `until` (nil: still assigned).
/// Assignments are never rewritten: a change ends the current one and starts another, so the
/// history says who looked after an organisation when.
public struct Assignment: Sendable, Hashable {
    public var organisationID: String
    public var liaisonID: String
    public var from: Instant
    public var until: Instant?

    public init(organisationID: String, liaisonID: String, from: Instant, until: Instant? = nil) {
        self.organisationID = organisationID
        self.liaisonID = liaisonID
        self.from = from
        self.until = until
    }

    public func covers(_ instant: Instant) -> Bool { from <= instant && (until.map { instant < $0 } ?? true) }
}

/// One organisation's assignments, oldest first; at most one is current.
public struct AssignmentHistory: Sendable, Hashable {
    public private(set) var assignments: [Assignment]
    public let organisationID: String

    public init(organisationID: String, assignments: [Assignment] = []) {
        self.organisationID = organisationID
        self.assignments = assignments.sorted { $0.from < $1.from }
    }

    public var current: Assignment? { assignments.last { $0.until == nil } }

    public func liaison(at instant: Instant) -> String? { assignments.last { $0.covers(instant) }?.liaisonID }

    /// Assigns `liaisonID` from `now`, ending the current assignment. Assigning the liaison
    /// already assigned changes nothing (so a retried request is harmless).
    /// Returns the assignments changed or added, for the store to write.
    @discardableResult
    public mutating func assign(liaisonID: String, now: Instant) throws(LiaisonError) -> [Assignment] {
        try Validate.identifier(liaisonID, field: "liaison_id")
        if let current, current.liaisonID == liaisonID { return [] }
        if let last = assignments.last, now < last.from {
            throw .precondition(reason: LiaisonReason.wrongState, "an assignment cannot start before the latest one (\(last.from))")
        }
        var changed: [Assignment] = []
        if let index = assignments.lastIndex(where: { $0.until == nil }) {
            assignments[index].until = now
            changed.append(assignments[index])
        }
        let added = Assignment(organisationID: organisationID, liaisonID: liaisonID, from: now)
        assignments.append(added)
        changed.append(added)
        return changed
    }

    /// Ends the current assignment (the organisation has no liaison until the next).
    @discardableResult
    public mutating func end(now: Instant) throws(LiaisonError) -> Assignment {
        guard let index = assignments.lastIndex(where: { $0.until == nil }) else {
            throw .precondition(reason: LiaisonReason.notAssigned, "organisation \(organisationID) has no liaison assigned")
        }
        assignments[index].until = max(now, assignments[index].from)
        return assignments[index]
    }
}
