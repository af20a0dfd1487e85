/// The rules of the half-monthly problem list. Each step takes the items as they are and
/// `now`, checks who acts and the item's state, and returns the changed items with a timeline
/// entry; it throws before changing anything. The store runs each step inside one transaction.
public struct ProblemWorkflow: Sendable {
    public let policy: DeadlinePolicy

    /// Problems one merge may combine.
    public static let maxMergeSources = 100

    public init(policy: DeadlinePolicy = .standard) { self.policy = policy }

    // MARK: filing and review

    /// A liaison files a problem found at an organisation they are assigned to, into the
    /// period that `now` falls in.
    public func file(id: Int64, title: String, description: String, type: ProblemType, organisationID: String,
                     by actor: ProblemActor, assignments: AssignmentHistory, now: Instant) throws(LiaisonError) -> ProblemItem {
        guard case .liaison(let liaisonID) = actor else { throw .denied("only liaisons file problems") }
        try Validate.text(title, field: "title", max: Validate.maxNameCharacters)
        try Validate.text(description, field: "description")
        guard assignments.liaison(at: now) == liaisonID else {
            throw .denied(reason: LiaisonReason.notAssigned, "liaison \(liaisonID) is not assigned to \(organisationID)")
        }
        var item = ProblemItem(id: id, period: ProblemPeriod(containing: now), type: type, title: title, description: description,
                               sources: [ProblemSource(organisationID: organisationID, liaisonID: liaisonID, filedAt: now, originalItemID: id)])
        item.record(.filed, by: actor, at: now, note: "\(type.rawValue) at \(organisationID)")
        return item
    }

    /// The office corrects an item's type while reviewing the list.
    public func retype(_ item: ProblemItem, to type: ProblemType, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> ProblemItem {
        try requireOffice(actor, "retype items")
        try require(item, in: [.filed], to: "retype it")
        guard item.type != type else { return item }
        var changed = item
        changed.record(.retyped, by: actor, at: now, note: "\(item.type.rawValue) → \(type.rawValue)")
        changed.type = type
        return changed
    }

    /// The office merges the same problem filed at several organisations into one common item
    /// that keeps every source; the absorbed items point at it.
    public func merge(_ items: [ProblemItem], newID: Int64, title: String, description: String,
                      by actor: ProblemActor, now: Instant) throws(LiaisonError) -> (common: ProblemItem, absorbed: [ProblemItem]) {
        try requireOffice(actor, "merge items")
        guard items.count >= 2 else { throw .invalid(field: "item_ids", "a merge combines at least two items") }
        guard items.count <= Self.maxMergeSources else {
            throw .invalid(field: "item_ids", "a merge combines at most \(Self.maxMergeSources) items")
        }
        guard Set(items.map(\.id)).count == items.count else { throw .invalid(field: "item_ids", "an item is named twice") }
        try Validate.text(title, field: "title", max: Validate.maxNameCharacters)
        try Validate.text(description, field: "description")
        let period = items[0].period
        for item in items {
            guard item.period == period else {
                throw .precondition(reason: LiaisonReason.periodsDiffer,
                                    "item \(item.id) is on the \(item.period) list, item \(items[0].id) on the \(period) list: only items of one period merge")
            }
            try require(item, in: [.filed], to: "merge it")
        }
        var common = ProblemItem(id: newID, period: period, type: .common, title: title, description: description,
                                 sources: items.flatMap(\.sources))
        common.mergedFrom = items.map(\.id)
        common.record(.merged, by: actor, at: now, note: "merged from items \(items.map { String($0.id) }.joined(separator: ", "))")
        let absorbed = items.map { item in
            var changed = item
            changed.state = .merged
            changed.mergedInto = newID
            changed.record(.merged, by: actor, at: now, note: "merged into item \(newID)")
            return changed
        }
        return (common, absorbed)
    }

    /// The office publishes a period's reviewed list: every filed item of the period. A period
    /// that has not begun has nothing to publish.
    public func publish(_ items: [ProblemItem], period: ProblemPeriod, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> [ProblemItem] {
        try requireOffice(actor, "publish the list")
        guard now >= period.start else {
            throw .precondition(reason: LiaisonReason.periodNotStarted, "the \(period) list cannot be published before the period begins")
        }
        return items.filter { $0.period == period && $0.state == .filed }.map { item in
            var changed = item
            changed.state = .published
            changed.publishedAt = now
            changed.record(.published, by: actor, at: now, note: "\(period) list")
            return changed
        }
    }

    // MARK: departments

    /// A department claims (认领) a published item; the solution clock starts. Of two
    /// departments claiming at once, the store lets one win and the other gets ALREADY_CLAIMED.
    public func claim(_ item: ProblemItem, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> ProblemItem {
        guard case .department(let department, _) = actor else { throw .denied("only department staff claim items") }
        // A retry of a claim this department won changes nothing (ClaimProblem is IDEMPOTENT).
        if item.department == department, !item.assignedByOffice { return item }
        if [.claimed, .answered, .cleared].contains(item.state) {
            throw LiaisonError(.alreadyExists, reason: LiaisonReason.alreadyClaimed,
                               "item \(item.id) is already \(item.assignedByOffice ? "assigned to" : "claimed by") \(item.department ?? "a department")")
        }
        try require(item, in: [.published], to: "claim it")
        var changed = item
        changed.startClock(department: department, now: now, policy: policy)
        changed.record(.claimed, by: actor, at: now, note: "solution due \(changed.solutionDueAt!)")
        return changed
    }

    /// The office assigns an item nobody claimed within the claim window.
    public func assign(_ item: ProblemItem, to department: String, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> ProblemItem {
        try requireOffice(actor, "assign items")
        try Validate.identifier(department, field: "department_id")
        if item.department == department, item.assignedByOffice { return item }
        if [.claimed, .answered, .cleared].contains(item.state) {
            throw LiaisonError(.alreadyExists, reason: LiaisonReason.alreadyClaimed, "item \(item.id) is already with \(item.department ?? "a department")")
        }
        try require(item, in: [.published], to: "assign it")
        let windowEnds = item.publishedAt!.adding(days: policy.claimWindowDays)
        guard now >= windowEnds else {
            throw .precondition(reason: LiaisonReason.claimWindowOpen, "departments may claim item \(item.id) until \(windowEnds); assign it after that")
        }
        var changed = item
        changed.startClock(department: department, now: now, policy: policy)
        changed.assignedByOffice = true
        changed.record(.assigned, by: actor, at: now, note: "to \(department); solution due \(changed.solutionDueAt!)")
        return changed
    }

    /// The claiming department proposes a solution; progress reports are due monthly from now.
    public func answer(_ item: ProblemItem, solution: String, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> ProblemItem {
        try requireClaimingDepartment(actor, item)
        if item.state != .claimed, item.solution == solution { return item }
        try require(item, in: [.claimed], to: "propose a solution")
        try Validate.text(solution, field: "solution")
        var changed = item
        changed.state = .answered
        changed.solution = solution
        changed.answeredAt = now
        changed.progressDueAt = now.adding(days: policy.progressIntervalDays)
        changed.record(.answered, by: actor, at: now, note: changed.answeredOnTime == true ? "on time" : "late")
        return changed
    }

    /// The claiming department reports progress (monthly until the item is cleared).
    public func reportProgress(_ item: ProblemItem, note: String, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> ProblemItem {
        try requireClaimingDepartment(actor, item)
        try require(item, in: [.answered], to: "report progress")
        try Validate.text(note, field: "note")
        guard item.progress.count < Self.maxProgressReports else {
            throw .precondition(reason: LiaisonReason.wrongState, "item \(item.id) already has \(Self.maxProgressReports) progress reports")
        }
        var changed = item
        changed.progress.append(ProgressReport(at: now, note: note))
        changed.progressDueAt = now.adding(days: policy.progressIntervalDays)
        changed.progressOverdueAt = nil
        changed.record(.progressReported, by: actor, at: now)
        return changed
    }

    /// Progress reports one item may hold (ten years of monthly reports).
    public static let maxProgressReports = 120

    // MARK: confirmation and clearing

    /// The enterprise confirms the solution: recorded by a liaison now assigned to one of the
    /// item's organisations (enterprises do not sign in), or by the office.
    public func confirm(_ item: ProblemItem, note: String, by actor: ProblemActor, assignments: [AssignmentHistory], now: Instant) throws(LiaisonError) -> ProblemItem {
        switch actor {
        case .office: break
        case .liaison(let liaisonID):
            let organisations = Set(item.organisationIDs)
            guard assignments.contains(where: { organisations.contains($0.organisationID) && $0.current?.liaisonID == liaisonID }) else {
                throw .denied(reason: LiaisonReason.notAssigned, "liaison \(liaisonID) is not assigned to an organisation of item \(item.id)")
            }
        default: throw .denied("the enterprise's confirmation is recorded by its liaison or the zone office")
        }
        if item.confirmedAt != nil { return item }
        try require(item, in: [.answered], to: "confirm it")
        guard note.count <= Validate.maxTextCharacters else { throw .invalid(field: "note", "at most \(Validate.maxTextCharacters) characters") }
        var changed = item
        changed.confirmedAt = now
        changed.confirmedBy = actor.description
        changed.record(.confirmed, by: actor, at: now, note: note)
        return changed
    }

    /// The office clears (销号) an answered item the enterprise has confirmed.
    public func clear(_ item: ProblemItem, by actor: ProblemActor, now: Instant) throws(LiaisonError) -> ProblemItem {
        try requireOffice(actor, "clear items")
        if item.state == .cleared { return item }
        try require(item, in: [.answered], to: "clear it")
        guard item.confirmedAt != nil else {
            throw .precondition(reason: LiaisonReason.notConfirmed, "item \(item.id) cannot be cleared before the enterprise confirms the solution")
        }
        var changed = item
        changed.state = .cleared
        changed.clearedAt = now
        changed.record(.cleared, by: actor, at: now)
        return changed
    }

    // MARK: deadlines

    /// The deadline pass for one item: the reminder before the solution deadline, overdue
    /// after it, the office told of items unclaimed past the window, progress overdue. Each
    /// is recorded once; nil when nothing is due (so the pass can run as often as it likes).
    public func sweep(_ item: ProblemItem, now: Instant) -> ProblemItem? {
        var changed = item
        switch item.state {
        case .published:
            if item.unclaimedFlaggedAt == nil, let publishedAt = item.publishedAt, now >= publishedAt.adding(days: policy.claimWindowDays) {
                changed.unclaimedFlaggedAt = now
                changed.record(.unclaimedPastWindow, by: .system, at: now, note: "unclaimed \(policy.claimWindowDays) days after publication: the office assigns it")
            }
        case .claimed:
            guard let due = item.solutionDueAt else { break }
            if item.remindedAt == nil, now >= due.adding(seconds: -Int64(policy.reminderHoursBefore) * 3600), now <= due {
                changed.remindedAt = now
                changed.record(.reminded, by: .system, at: now, note: "solution due \(due)")
            }
            if item.overdueAt == nil, now > due {
                changed.overdueAt = now
                changed.record(.overdue, by: .system, at: now, note: "no solution proposed by \(due)")
            }
        case .answered:
            if item.progressOverdueAt == nil, let due = item.progressDueAt, now > due {
                changed.progressOverdueAt = now
                changed.record(.progressOverdue, by: .system, at: now, note: "progress report due \(due)")
            }
        case .filed, .merged, .cleared:
            break
        }
        return changed == item ? nil : changed
    }

    // MARK: checks

    private func requireOffice(_ actor: ProblemActor, _ what: String) throws(LiaisonError) {
        guard case .office = actor else { throw .denied("only the zone office may \(what)") }
    }

    private func requireClaimingDepartment(_ actor: ProblemActor, _ item: ProblemItem) throws(LiaisonError) {
        guard case .department(let department, _) = actor else { throw .denied("only the department that claimed an item answers it") }
        guard item.department == department else {
            throw .denied(reason: LiaisonReason.notClaimingDepartment,
                          "item \(item.id) is \(item.department.map { "with \($0)" } ?? "not claimed"), not with \(department)")
        }
    }

    private func require(_ item: ProblemItem, in states: [ProblemState], to what: String) throws(LiaisonError) {
        guard states.contains(item.state) else {
            throw .precondition(reason: LiaisonReason.wrongState, "item \(item.id) is \(item.state.rawValue): cannot \(what)")
        }
    }
}

extension ProblemItem {
    mutating func startClock(department: String, now: Instant, policy: DeadlinePolicy) {
        state = .claimed
        self.department = department
        claimedAt = now
        solutionDueAt = now.adding(days: policy.solutionDays)
    }
}
