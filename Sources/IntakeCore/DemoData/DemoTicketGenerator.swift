import Foundation

/// A generated ticket: its final state and the ledger entries that led there.
public struct GeneratedTicket: Sendable {
    public var ticket: Ticket
    public var entries: [LedgerEntryDraft]
}

/// Makes tickets deterministically (same seed, same tickets) by running the real workflow
/// in memory: every generated history is one the state machine accepts.
public struct DemoTicketGenerator: Sendable {
    public let catalog: ReferenceCatalog
    public let workflow: TicketWorkflow
    /// Tickets are spread over the year before this instant; later steps stop at it.
    public let now: Date
    let level3Grids: [Grid]
    let villageNames: [VillageID: String]
    let departmentsByCategory: [CategoryID: [DepartmentID]]
    let leafCategories: [Category]

    public init(catalog: ReferenceCatalog, calendar: WorkingCalendar, now: Date) {
        self.catalog = catalog
        self.workflow = TicketWorkflow(catalog: catalog, deadlines: DeadlineCalculator(calendar: calendar))
        self.now = now
        level3Grids = catalog.data.grids.filter { $0.level == 3 }
        villageNames = Dictionary(uniqueKeysWithValues: catalog.data.villages.map { ($0.id, $0.name) })
        var byCategory: [CategoryID: [DepartmentID]] = [:]
        for d in catalog.data.departments { for c in d.categoryIDs { byCategory[c, default: []].append(d.id) } }
        departmentsByCategory = byCategory
        leafCategories = catalog.data.categories.filter { $0.parentID != nil }
    }

    static let channelWeights: [(Channel, Int)] = [
        (.hotline12345, 30), (.gridPhoto, 25), (.kioskVideo, 15), (.hotline96150, 12), (.fridayOfficeHours, 12), (.other, 6),
    ]

    /// The `index`-th of `count` tickets; creation times rise with the index over the year.
    public func ticket(index: Int, of count: Int, rng: inout SeededRandom) throws -> GeneratedTicket {
        let year: TimeInterval = 365 * 86400
        let spacing = year / Double(max(count, 1))
        let created = now.addingTimeInterval(-year + Double(index) * spacing + rng.seconds(0...(spacing * 0.9)))
        let grid = rng.pick(level3Grids)
        let category = rng.pick(leafCategories)
        let gridWorker = Principal(userID: "gw3-\(grid.id)", role: .gridWorker, gridID: grid.id, villageID: grid.villageID)
        var channel = Channel.other
        var roll = rng.int(0...99)
        for (c, w) in Self.channelWeights { if roll < w { channel = c; break }; roll -= w }
        let residentAccount = channel == .other || (channel == .kioskVideo && rng.chance(0.3))
        let phone = "1" + String(rng.int(30...99)) + String(format: "%08d", rng.int(0...99_999_999))
        let name = rng.pick(DemoReferenceData.surnames) + rng.pick(DemoReferenceData.givenNames)
        let reporterID = residentAccount ? "resident-\(rng.int(1...5000))" : nil
        let submitter: Principal = switch channel {
        case .gridPhoto: gridWorker
        case .fridayOfficeHours: Principal(userID: "leader-\(rng.int(1...7))", role: .leader)
        case _ where residentAccount: Principal(userID: reporterID!, role: .resident)
        default: Principal(userID: "channel:\(channel.rawValue)", role: .admin)
        }
        let report = NewTicket(
            channel: channel, reporter: Reporter(name: name, phone: phone, userID: reporterID), villageID: grid.villageID,
            gridID: grid.id, location: rng.chance(0.4) ? GeoPoint(latitude: 30.5 + rng.seconds(0...0.2), longitude: 114.2 + rng.seconds(0...0.2)) : nil,
            address: nil, categoryID: rng.chance(0.5) ? category.id : nil,
            description: DescriptionTemplates.make(category: category.id, village: villageNames[grid.villageID] ?? "", rng: &rng),
            priority: category.kind == .urgent ? .urgent : (rng.chance(0.1) ? .high : .normal))
        var (ticket, first) = try workflow.submission(report, by: submitter, at: created)
        var entries = [first]
        var at = created

        // Some tickets stall part-way whatever their age (the backlog leaders chase), so every
        // state, and overdue work, appears across the whole year.
        let stallAfterSteps = rng.chance(0.06) ? rng.int(1...8) : Int.max
        var steps = 0
        // Returns false once the next step would happen after `now` or the ticket stalls.
        func step(_ action: TicketAction, by actor: Principal, after delay: ClosedRange<Double>, note: String? = nil) throws -> Bool {
            let when = at.addingTimeInterval(rng.seconds(delay))
            guard when <= now, steps < stallAfterSteps else { return false }
            steps += 1
            let (next, entry) = try workflow.apply(action, to: ticket, by: actor, at: when, note: note)
            ticket = next; entries.append(entry); at = when
            return true
        }
        func finish() -> GeneratedTicket { GeneratedTicket(ticket: ticket, entries: entries) }

        if rng.chance(0.04) {
            _ = try step(.reject(reason: "重复来电或信息不全，无法核实"), by: gridWorker, after: 600...7200)
            return finish()
        }
        guard try step(.accept(Classification(categoryID: category.id)), by: gridWorker, after: 300...14_400) else { return finish() }
        let departments = departmentsByCategory[category.id] ?? []
        let handler: Principal
        if departments.isEmpty || rng.chance(0.4) {
            guard try step(.resolveAtVillage, by: gridWorker, after: 600...28_800) else { return finish() }
            handler = gridWorker
        } else {
            var dept = rng.pick(departments)
            guard try step(.dispatch(to: dept), by: gridWorker, after: 600...28_800) else { return finish() }
            var staff = Principal(userID: "staff-\(dept)-1", role: .departmentStaff, departmentID: dept)
            if rng.chance(0.08) {
                guard try step(.returnToTriage(reason: "不属于本科室职责，请重新派单"), by: staff, after: 3600...86_400) else { return finish() }
                dept = rng.pick(departments)
                staff = Principal(userID: "staff-\(dept)-1", role: .departmentStaff, departmentID: dept)
                guard try step(.dispatch(to: dept), by: gridWorker, after: 600...14_400) else { return finish() }
            }
            guard try step(.sign, by: staff, after: 600...86_400) else { return finish() }
            guard try step(.startHandling, by: staff, after: 60...14_400) else { return finish() }
            handler = staff
        }
        // Replies mostly arrive before the deadline; some are late.
        let budget = max(3600, (ticket.dueAt ?? at).timeIntervalSince(at))
        for round in 0..<2 {
            let roll = rng.int(0...99)
            let outcome: ResolutionOutcome = roll < 80 ? .fixed : (roll < 92 ? .cannotBeFixed : .notOurResponsibility)
            guard try step(.reply(outcome: outcome, result: outcome == .fixed ? "已现场处理完毕" : "已向群众解释说明"),
                           by: handler, after: 1800...(budget * (rng.chance(0.15) ? 1.6 : 0.9))) else { return finish() }
            let satisfied = round == 1 || rng.chance(0.88)
            guard try step(.followUp(satisfied: satisfied, comment: satisfied ? "群众表示满意" : "群众表示不满意，要求重新处理"),
                           by: gridWorker, after: 3600...259_200) else { return finish() }
            if satisfied { break }
        }
        _ = try step(.close, by: gridWorker, after: 600...86_400)
        return finish()
    }
}
