/// Counts of one slice of the published list (a department, a type, or all of it).
/// `published` counts items that reached the published list (merged-away and still-filed
/// items are not on it); for a department it counts the items that ended up with it
/// (claimed + assigned).
public struct ProblemCounts: Sendable, Hashable {
    public var published = 0
    /// Claimed by a department of its own accord.
    public var claimed = 0
    /// Assigned by the office after nobody claimed them.
    public var assigned = 0
    public var unclaimed = 0
    public var answered = 0
    /// Answered within the solution deadline.
    public var answeredOnTime = 0
    /// Claimed or assigned, unanswered, past the deadline now.
    public var overdue = 0
    public var cleared = 0

    public init() {}

    /// Share of published items departments claimed themselves, in per mille.
    public var claimRatePermille: Int { Self.permille(claimed, published) }
    /// Share of claimed or assigned items answered within the deadline, in per mille.
    public var answeredOnTimePermille: Int { Self.permille(answeredOnTime, claimed + assigned) }
    /// Share of published items cleared, in per mille.
    public var clearedPermille: Int { Self.permille(cleared, published) }

    /// Rounded half up; 0 when there is nothing to divide.
    static func permille(_ part: Int, _ whole: Int) -> Int { whole == 0 ? 0 : (part * 2000 + whole) / (2 * whole) }

    mutating func add(_ item: ProblemItem, now: Instant) {
        published += 1
        if item.state == .published { unclaimed += 1 }
        if item.department != nil {
            if item.assignedByOffice { assigned += 1 } else { claimed += 1 }
        }
        if item.answeredAt != nil { answered += 1 }
        if item.answeredOnTime == true { answeredOnTime += 1 }
        if item.isOverdue(at: now) { overdue += 1 }
        if item.state == .cleared { cleared += 1 }
    }
}

/// The figures leaders see for a set of items (usually one period's, or all): totals, by
/// department, by type.
public struct ProblemFigures: Sendable, Hashable {
    public var total = ProblemCounts()
    public var byDepartment: [String: ProblemCounts] = [:]
    public var byType: [ProblemType: ProblemCounts] = [:]

    public init() {}

    public static func of(_ items: some Sequence<ProblemItem>, now: Instant) -> ProblemFigures {
        var figures = ProblemFigures()
        for item in items where ![.filed, .merged].contains(item.state) {
            figures.total.add(item, now: now)
            figures.byType[item.type, default: ProblemCounts()].add(item, now: now)
            if let department = item.department {
                figures.byDepartment[department, default: ProblemCounts()].add(item, now: now)
            }
        }
        return figures
    }
}
