import Foundation

/// The workflow as a pure function: current ticket + action → next ticket + ledger entry.
/// The store runs it inside a write transaction; the demo generator runs it in memory.
/// Checks legality (`TransitionTable`), permissions (`ActionPolicy`) and reference data.
public struct TicketWorkflow: Sendable {
    public var catalog: ReferenceCatalog
    public var deadlines: DeadlineCalculator
    public init(catalog: ReferenceCatalog, deadlines: DeadlineCalculator) {
        self.catalog = catalog; self.deadlines = deadlines
    }

    static let maxReasonLength = 2_000

    /// Builds the ticket and its first ledger entry for a new report (number and id are the store's).
    public func submission(_ report: NewTicket, by actor: Principal, at now: Date) throws(IntakeError) -> (Ticket, LedgerEntryDraft) {
        var report = report
        // A grid worker's report without a grid is for their own grid (else they could not see it).
        if actor.role == .gridWorker, report.gridID == nil { report.gridID = actor.gridID }
        try ActionPolicy.authorizeSubmission(report, by: actor)
        try catalog.validatePlace(villageID: report.villageID, gridID: report.gridID)
        let description = report.description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !description.isEmpty else { throw .invalidInput("description is empty") }
        guard description.count <= 10_000 else { throw .invalidInput("description exceeds 10000 characters") }
        // Empty: the resident stays anonymous (Open311 allows it).
        guard report.reporter.name.count <= 100 else { throw .invalidInput("reporter name must be at most 100 characters") }
        try Self.validateOpen311Fields(report)
        guard report.reporter.phone.count <= 32, report.reporter.phone.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == " " }) else {
            throw .invalidInput("reporter phone must be up to 32 digits")
        }
        if let c = report.categoryID, catalog.category(c) == nil { throw .invalidInput("unknown category '\(c)'") }
        if let a = report.address, a.count > 500 { throw .invalidInput("address exceeds 500 characters") }
        if let p = report.location {
            guard (-90...90).contains(p.latitude), (-180...180).contains(p.longitude) else { throw .invalidInput("coordinates out of range") }
        }
        let ticket = Ticket(
            id: 0, number: "", channel: report.channel, reporter: report.reporter, villageID: report.villageID,
            gridID: report.gridID, location: report.location, address: report.address, categoryID: report.categoryID,
            description: description, priority: report.priority, status: .submitted, outcome: nil, ownerUserID: nil,
            handlingLevel: nil, departmentID: nil, duplicateOf: nil, rejectionReason: nil, resultNote: nil, dueAt: nil,
            escalationLevel: 0, satisfied: nil, reopenCount: 0, createdAt: now, updatedAt: now, respondedAt: nil,
            repliedAt: nil, closedAt: nil, mediaURL: report.mediaURL, addressID: report.addressID, zipcode: report.zipcode)
        var details = ["channel": report.channel.rawValue, "village": report.villageID]
        if let g = report.gridID { details["grid"] = g }
        if let c = report.categoryID { details["category"] = c }
        guard report.attachmentIDs.count <= AttachmentLimits.maxPerSubmission else {
            throw .invalidInput("attachment ids: at most \(AttachmentLimits.maxPerSubmission), got \(report.attachmentIDs.count)")
        }
        guard Set(report.attachmentIDs).count == report.attachmentIDs.count else { throw .invalidInput("attachment ids: repeated") }
        if !report.attachmentIDs.isEmpty { details["attachments"] = report.attachmentIDs.joined(separator: ",") }
        let draft = LedgerEntryDraft(actor: actor, occurredAt: now, fromStatus: nil, toStatus: .submitted,
                                     action: .submit, note: nil, details: details)
        return (ticket, draft)
    }

    /// Applies `action`. `duplicateTarget` is the ticket named by `.linkDuplicate`, loaded by the caller.
    public func apply(_ action: TicketAction, to current: Ticket, by actor: Principal, at now: Date,
                      note: String? = nil, duplicateTarget: Ticket? = nil) throws(IntakeError) -> (Ticket, LedgerEntryDraft) {
        try TransitionTable.check(action.name, from: current.status)
        try ActionPolicy.authorize(action.name, on: current, by: actor)
        if let note, note.count > Self.maxReasonLength { throw .invalidInput("note exceeds \(Self.maxReasonLength) characters") }
        var t = current
        var details: [String: String] = [:]
        var entryNote = note
        func requireReason(_ reason: String, _ what: String) throws(IntakeError) -> String {
            let r = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !r.isEmpty else { throw .invalidInput("\(what) needs a reason") }
            guard r.count <= Self.maxReasonLength else { throw .invalidInput("\(what) reason exceeds \(Self.maxReasonLength) characters") }
            return r
        }
        func startClock() throws(IntakeError) {
            guard let cid = t.categoryID, let category = catalog.category(cid) else {
                throw .invalidInput("ticket \(t.number) has no valid category")
            }
            t.dueAt = deadlines.dueDate(category: category, priority: t.priority, from: now)
            t.escalationLevel = 0
            details["due_at"] = String(LedgerHasher.milliseconds(t.dueAt!))
        }

        switch action {
        case .accept(let c):
            guard catalog.category(c.categoryID) != nil else { throw .invalidInput("unknown category '\(c.categoryID)'") }
            let village = c.villageID ?? t.villageID
            let grid = c.gridID ?? (c.villageID == nil ? t.gridID : nil)
            try catalog.validatePlace(villageID: village, gridID: grid)
            t.categoryID = c.categoryID; t.villageID = village; t.gridID = grid
            if let p = c.priority { t.priority = p }
            t.ownerUserID = actor.userID
            t.status = .accepted
            details["category"] = c.categoryID; details["village"] = village; details["priority"] = t.priority.rawValue
            if let grid { details["grid"] = grid }
            details["owner"] = actor.userID
            try startClock()
        case .reject(let reason):
            let r = try requireReason(reason, "rejection")
            t.rejectionReason = r
            t.status = .rejected
            t.closedAt = now
            entryNote = r
        case .linkDuplicate(let original):
            guard original != t.id else { throw .invalidInput("a ticket cannot duplicate itself") }
            guard let target = duplicateTarget, target.id == original else { throw .notFound("ticket \(original) to link as original") }
            guard target.duplicateOf == nil else {
                throw .invalidInput("ticket \(target.number) is itself a duplicate of \(target.duplicateOf!); link to the original")
            }
            t.duplicateOf = original
            t.outcome = .duplicate
            t.status = .closed
            t.closedAt = now
            if t.ownerUserID == nil { t.ownerUserID = actor.userID }
            details["duplicate_of"] = String(original); details["duplicate_of_number"] = target.number
        case .resolveAtVillage:
            t.handlingLevel = .village
            t.departmentID = nil
            t.status = .inProgress
            details["handling"] = HandlingLevel.village.rawValue
        case .dispatch(let departmentID):
            guard let dept = catalog.department(departmentID) else { throw .invalidInput("unknown department '\(departmentID)'") }
            let cid = t.categoryID ?? ""
            let parent = catalog.category(cid)?.parentID
            guard dept.categoryIDs.contains(cid) || (parent.map { dept.categoryIDs.contains($0) } ?? false) else {
                throw .invalidInput("department '\(departmentID)' does not handle category '\(cid)'")
            }
            t.handlingLevel = .department
            t.departmentID = departmentID
            t.status = .dispatched
            details["department"] = departmentID
        case .sign:
            t.status = .signed
            try startClock()
        case .returnToTriage(let reason):
            let r = try requireReason(reason, "return")
            details["department"] = t.departmentID ?? ""
            t.departmentID = nil
            t.handlingLevel = nil
            t.status = .accepted
            entryNote = r
        case .startHandling:
            t.status = .inProgress
        case .reply(let outcome, let result):
            guard outcome != .duplicate else { throw .invalidInput("duplicates are linked with linkDuplicate, not replied") }
            let r = try requireReason(result, "reply")
            t.outcome = outcome
            t.resultNote = r
            t.status = .replied
            t.repliedAt = now
            details["outcome"] = outcome.rawValue
            entryNote = r
        case .followUp(let satisfied, let comment):
            if let comment, comment.count > Self.maxReasonLength { throw .invalidInput("comment exceeds \(Self.maxReasonLength) characters") }
            t.satisfied = satisfied
            details["satisfied"] = satisfied ? "true" : "false"
            if let comment { entryNote = comment }
            if satisfied {
                t.status = .followedUp
            } else {
                // Not satisfied reopens: the result is no longer an outcome, and a new clock runs.
                t.status = .inProgress
                t.outcome = nil
                t.repliedAt = nil
                t.reopenCount += 1
                details["reopened"] = String(t.reopenCount)
                try startClock()
            }
        case .close:
            t.status = .closed
            t.closedAt = now
        }
        if t.respondedAt == nil { t.respondedAt = now }
        t.updatedAt = now
        let draft = LedgerEntryDraft(actor: actor, occurredAt: now, fromStatus: current.status, toStatus: t.status,
                                     action: action.name, note: entryNote, details: details)
        return (t, draft)
    }
}
