import Foundation
import GRDB
import Testing
@testable import IntakeCore

/// The statistics' fast paths (cells, the close-duration histogram, the keyed duration
/// indexes, the overdue index) against figures computed here from every ticket, after random
/// lives: rejections, duplicate links, village and department paths, unsatisfied follow-ups
/// that reopen, closes, deadlines crossed by the clock, and (SQLite) closed tickets reopened
/// and closed again behind the workflow's back, which only the triggers see.
@Suite struct StatisticsBruteForceTests {
    /// Seeds, each with the side the overdue figures are counted from (nil: the smaller; both
    /// sides are forced once, so each is compared whichever the data makes smaller).
    static let variants: [(seed: UInt64, overdueSide: OverdueCountingSide?)] = [(1, nil), (2, nil), (3, .overdue), (4, .notYetDue)]

    @Test(arguments: StoreKind.allCases, variants)
    func fastPathsEqualABruteForceComputation(_ kind: StoreKind, variant: (seed: UInt64, overdueSide: OverdueCountingSide?)) async throws {
        var configuration = IntakeConfiguration(townshipCode: "qingshan", calendar: Fixture.calendar)
        configuration.overdueCountingSide = variant.overdueSide
        let h = try await Harness(kind, configuration: configuration)
        let seed = variant.seed
        var random = Xorshift(seed: seed)
        var earlier: [(id: TicketID, inV2: Bool)] = []
        for _ in 0..<90 {
            var life = RandomLife(h: h, random: &random, earlier: earlier)
            earlier.append(try await life.live())
            h.clock.advance(by: TimeInterval(random.below(3 * 86_400)))
        }
        // Running tickets whose deadline is still ahead (the random lives end long after theirs).
        _ = try await h.ticket(in: .dispatched, category: "illegal-building")
        _ = try await h.ticket(in: .accepted, category: "pension")
        if kind == .sqlite {
            // Reopen some closed tickets and close them again at other times, in raw SQL.
            let reopened = try await reopenAndCloseAgain(h, count: 8, random: &random)
            #expect(reopened == 8)
        }
        let tickets = try await allTickets(h.store)
        let now = h.clock.now()
        // The random lives reached every case the fast paths handle.
        #expect(tickets.contains { $0.status == .closed && $0.outcome == .duplicate })
        #expect(tickets.contains { $0.reopenCount > 0 })
        #expect(tickets.filter { $0.status == .closed && $0.outcome != .duplicate }.count >= 6)
        #expect(tickets.contains { TicketStatus.clockRunning.contains($0.status) && $0.dueAt.map { $0 <= now } == true })
        #expect(tickets.contains { TicketStatus.clockRunning.contains($0.status) && $0.dueAt.map { $0 > now } == true })

        let cases: [(TicketFilter, Principal, (Ticket) -> Bool)] = [
            (TicketFilter(), Fixture.leader, { _ in true }),
            (TicketFilter(departmentIDs: ["dept-social"]), Fixture.leader, { $0.departmentID == "dept-social" }),
            (TicketFilter(villageIDs: ["V2"]), Fixture.leader, { $0.villageID == "V2" }),
            (TicketFilter(), Fixture.socialStaff, { $0.departmentID == "dept-social" }),
            (TicketFilter(), Fixture.buildStaff, { $0.departmentID == "dept-build" }),
            (TicketFilter(statuses: [.closed, .inProgress]), Fixture.leader, { [.closed, .inProgress].contains($0.status) }),
            (TicketFilter(createdFrom: Date(timeIntervalSince1970: 0)), Fixture.leader, { _ in true }),
        ]
        for (filter, principal, selects) in cases {
            let expected = BruteForceStatistics.of(tickets.filter(selects), now: now)
            let got = try await h.store.statistics(filter, for: principal)
            #expect(got == expected, "\(kind) \(principal.role) \(filter)")
        }
        // Each clock moment changes the overdue figures; the next day, others are overdue.
        h.clock.advance(by: 86_400)
        let later = try await h.store.statistics(TicketFilter(), for: Fixture.leader)
        #expect(later == BruteForceStatistics.of(tickets, now: h.clock.now()))
    }

    private func reopenAndCloseAgain(_ h: Harness, count: Int, random: inout Xorshift) async throws -> Int {
        let closed = try await allTickets(h.store).filter { $0.status == .closed && $0.outcome != .duplicate }
        var done = 0
        for ticket in closed.prefix(count) {
            try h.rawSQL("UPDATE ticket SET status = 'in_progress', closed_at = NULL, outcome = NULL WHERE id = ?", [ticket.id])
            let closedAt = Int64((ticket.createdAt.timeIntervalSince1970 * 1000).rounded()) + Int64(random.below(20 * 86_400_000))
            try h.rawSQL("UPDATE ticket SET status = 'closed', closed_at = ?, outcome = 'fixed' WHERE id = ?", [closedAt, ticket.id])
            done += 1
        }
        return done
    }

    private func allTickets(_ store: any IntakeStore) async throws -> [Ticket] {
        var tickets: [Ticket] = []
        var cursor: String?
        repeat {
            let page = try await store.list(TicketFilter(), page: PageRequest(limit: PageRequest.maxLimit, cursor: cursor), for: Fixture.admin)
            tickets += page.items.map(\.ticket)
            cursor = page.nextCursor
        } while cursor != nil
        return tickets
    }
}

/// One ticket's random life through the workflow, every step one the workflow allows.
private struct RandomLife {
    let h: Harness
    var random: Xorshift
    /// Tickets made before, and whether each is in village V2: a duplicate is linked to one its
    /// grid worker may see.
    let earlier: [(id: TicketID, inV2: Bool)]

    init(h: Harness, random: inout Xorshift, earlier: [(id: TicketID, inV2: Bool)]) {
        self.h = h
        self.random = Xorshift(seed: random.next())
        self.earlier = earlier
    }

    mutating func live() async throws -> (id: TicketID, inV2: Bool) {
        let inV2 = random.below(3) == 0
        return (try await live(inV2: inV2), inV2)
    }

    private mutating func live(inV2: Bool) async throws -> TicketID {
        let worker = inV2 ? Fixture.workerB : Fixture.workerA
        let id = try await h.submit(inV2 ? Fixture.report(village: "V2", grid: "V2-G1") : Fixture.report()).ticket.id
        let fate = random.below(10)
        if fate == 0 { return id }
        if fate == 1 { return try await step(.reject(reason: "信息不全"), id, by: worker) }
        if fate == 2, let original = earlier.first(where: { $0.inV2 == inV2 })?.id { return try await step(.linkDuplicate(of: original), id, by: worker) }
        let categories: [(CategoryID, DepartmentID?)] = [("pension", "dept-social"), ("elderly-care", "dept-social"),
                                                         ("illegal-building", "dept-build"), ("safety-hazard", nil), ("village-affairs", nil)]
        let (category, department) = categories[random.below(categories.count)]
        try await step(.accept(Classification(categoryID: category)), id, by: worker)
        if random.below(6) == 0 { return id }
        var handler = worker
        if let department, random.below(3) > 0 {
            try await step(.dispatch(to: department), id, by: worker)
            handler = department == "dept-social" ? Fixture.socialStaff : Fixture.buildStaff
            if random.below(6) == 0 { return id }
            try await step(.sign, id, by: handler)
            try await step(.startHandling, id, by: handler)
        } else {
            try await step(.resolveAtVillage, id, by: worker)
        }
        for _ in 0..<3 {
            if random.below(6) == 0 { return id }
            let outcome: ResolutionOutcome = random.below(3) == 0 ? .cannotBeFixed : .fixed
            try await step(.reply(outcome: outcome, result: "已处理"), id, by: handler)
            // Not satisfied reopens the ticket (a new clock runs).
            if random.below(3) == 0 {
                try await step(.followUp(satisfied: false, comment: nil), id, by: worker)
                continue
            }
            try await step(.followUp(satisfied: true, comment: nil), id, by: worker)
            if random.below(4) > 0 { try await step(.close, id, by: worker) }
            return id
        }
        return id
    }

    @discardableResult
    private mutating func step(_ action: TicketAction, _ id: TicketID, by principal: Principal) async throws -> TicketID {
        h.clock.advance(by: TimeInterval(random.below(5 * 86_400)))
        _ = try await h.act(action, id, by: principal)
        return id
    }
}

/// The statistics' definitions (`TicketFigures`, `TicketStatistics`), applied ticket by ticket.
enum BruteForceStatistics {
    static func of(_ tickets: [Ticket], now: Date) -> TicketStatistics {
        var overall = TicketFigures()
        var byStatus: [TicketStatus: Int] = [:]
        var byCategory: [CategoryID: TicketFigures] = [:], byVillage: [VillageID: TicketFigures] = [:], byDepartment: [DepartmentID: TicketFigures] = [:]
        var durations: [Int64] = []
        for t in tickets {
            var f = TicketFigures()
            f.total = 1
            f.closed = t.status == .closed ? 1 : 0
            f.rejected = t.status == .rejected ? 1 : 0
            f.duplicates = t.status == .closed && t.outcome == .duplicate ? 1 : 0
            f.overdue = TicketStatus.clockRunning.contains(t.status) && t.dueAt.map { millis($0) <= millis(now) } == true ? 1 : 0
            f.responded = t.respondedAt != nil ? 1 : 0
            f.fixed = t.outcome == .fixed ? 1 : 0
            f.withOutcome = t.outcome != nil && t.outcome != .duplicate ? 1 : 0
            f.satisfied = t.satisfied == true ? 1 : 0
            f.followedUp = t.satisfied != nil ? 1 : 0
            f.replied = t.repliedAt != nil ? 1 : 0
            if let replied = t.repliedAt, let due = t.dueAt, millis(replied) <= millis(due) { f.repliedOnTime = 1 }
            overall.add(f)
            byStatus[t.status, default: 0] += 1
            byCategory[t.categoryID ?? "", default: TicketFigures()].add(f)
            byVillage[t.villageID, default: TicketFigures()].add(f)
            byDepartment[t.departmentID ?? "", default: TicketFigures()].add(f)
            if t.status == .closed, t.outcome != .duplicate, let closed = t.closedAt {
                durations.append(millis(closed) - millis(t.createdAt))
            }
        }
        durations.sort()
        let median: TimeInterval? = durations.isEmpty ? nil
            : durations.count % 2 == 1 ? Double(durations[durations.count / 2]) / 1000
            : Double(durations[durations.count / 2 - 1] + durations[durations.count / 2]) / 2 / 1000
        return TicketStatistics(overall: overall, byStatus: byStatus, byCategory: byCategory, byVillage: byVillage,
                                byDepartment: byDepartment, medianTimeToClose: median)
    }

    private static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

/// A small seeded generator, so a failing case can be replayed.
struct Xorshift {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
