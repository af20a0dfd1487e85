import Foundation
import GRDB
import Testing
@testable import IntakeCore

@Suite struct QueryTests {
    static let descriptions = [
        "青山村3组临时用电一直没有接通，已经等了12天",
        "社保卡更换后养老金银行网点太远，老人取钱不便",
        "邻居违建挡住道路，车辆无法通行",
        "村口路灯坏了，晚上出行不安全",
        "独居老人无人照料，希望纳入居家养老服务",
        "临时搭建的棚子用电不规范，存在火灾隐患",
        "建议增开到镇上的公交班次",
        "Road lamp broken near the WiFi kiosk",
    ]

    func seeded(_ kind: StoreKind, commonSearchThreshold: Int = 5_000) async throws -> (Harness, [TicketID]) {
        var config = IntakeConfiguration(townshipCode: "qingshan", calendar: Fixture.calendar)
        config.commonSearchThreshold = commonSearchThreshold
        let h = try await Harness(kind, configuration: config)
        var ids: [TicketID] = []
        for d in Self.descriptions {
            ids.append(try await h.submit(Fixture.report(d)).ticket.id)
            h.clock.advance(by: 60)
        }
        return (h, ids)
    }

    func search(_ h: Harness, _ text: String) async throws -> Set<TicketID> {
        Set(try await h.store.list(TicketFilter(text: text), page: PageRequest(limit: 100), for: Fixture.leader).items.map(\.ticket.id))
    }

    /// Threshold 0 forces the strategy used for common terms; 5000 the one for rare terms.
    @Test(arguments: StoreKind.allCases, [0, 5_000])
    func chineseFullTextSearch(_ kind: StoreKind, threshold: Int) async throws {
        let (h, ids) = try await seeded(kind, commonSearchThreshold: threshold)
        #expect(try await search(h, "临时用电") == [ids[0]])
        #expect(try await search(h, "违建") == [ids[2]])
        #expect(try await search(h, "养老") == [ids[1], ids[4]])
        #expect(try await search(h, "用电") == [ids[0], ids[5]])
        #expect(try await search(h, "电") == [ids[0], ids[5]])
        #expect(try await search(h, "养老金 银行") == [ids[1]])
        #expect(try await search(h, "老人") == [ids[1], ids[4]])
        // Bigrams of "临时用电" all occur in ticket 5 ("临时搭建…用电") but not as a phrase.
        #expect(try await search(h, "临时用电").contains(ids[5]) == false)
        #expect(try await search(h, "路灯") == [ids[3]])
        #expect(try await search(h, "wifi") == [ids[7]])
        #expect(try await search(h, "地铁").isEmpty)
        // FTS5 syntax in a query is inert.
        #expect(try await search(h, "\"违建\" OR *").isEmpty)
        #expect(await intakeError { _ = try await search(h, "，。！") } == .invalidInput("search text has nothing to search for"))
    }

    @Test(arguments: StoreKind.allCases) func ticketNumberFindsThisTownshipsTicket(_ kind: StoreKind) async throws {
        let (h, ids) = try await seeded(kind)
        let number = try await h.store.ticket(ids[3], for: Fixture.leader).view.ticket.number
        #expect(try await h.store.ticketID(number: number) == ids[3])
        #expect(try await h.store.ticketID(number: "1999-000001") == nil)
    }

    /// GetTicket by number must not scan a million tickets: the lookup names the township, so
    /// SQLite searches the (township, number) unique index.
    @Test func ticketNumberLookupSearchesTheUniqueIndex() async throws {
        let h = try await Harness(.sqlite)
        let plan = try await h.sqlite.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(SQLiteTicketStore.ticketByNumberSQL)", arguments: ["t", "2026-000001"])
                .map { $0["detail"] as String }
        }.joined(separator: " | ")
        #expect(plan.contains("SEARCH ticket USING COVERING INDEX"), "\(plan)")
        #expect(!plan.contains("SCAN"), "\(plan)")
    }

    @Test(arguments: StoreKind.allCases) func cursorPaginationHasNoGapsOrDuplicates(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        var ids: [TicketID] = []
        for i in 0..<23 {
            ids.append(try await h.submit().ticket.id)
            if i % 3 == 0 { h.clock.advance(by: 1) }  // several tickets share a timestamp
        }
        var seen: [TicketID] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await h.store.list(TicketFilter(), page: PageRequest(limit: 5, cursor: cursor), for: Fixture.leader)
            seen += page.items.map(\.ticket.id)
            cursor = page.nextCursor
            pages += 1
            // A ticket filed between pages lands on top and does not disturb the walk.
            if pages == 2 { _ = try await h.submit() }
        } while cursor != nil
        #expect(pages == 5)
        #expect(seen == ids.reversed(), "newest first, each exactly once")
        #expect(await intakeError { _ = try await h.store.list(TicketFilter(), page: PageRequest(limit: 5, cursor: "garbage!"), for: Fixture.leader) }
                == .invalidCursor("not a cursor issued by this service"))
        #expect(await intakeError { _ = try await h.store.list(TicketFilter(), page: PageRequest(limit: 501), for: Fixture.leader) } != nil)
    }

    /// A page carries each ticket's version (its ledger's length) read with the ticket itself.
    @Test(arguments: StoreKind.allCases) func aPageCarriesEachTicketsVersion(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let submitted = try await h.submit().ticket.id
        let dispatched = try await h.ticket(in: .dispatched)
        let handled = try await h.ticket(in: .inProgress, category: "illegal-building")
        let page = try await h.store.list(TicketFilter(), page: PageRequest(limit: 10), for: Fixture.leader)
        #expect(Set(page.versions.keys) == Set(page.items.map(\.ticket.id)))
        for id in [submitted, dispatched, handled] {
            let timeline = try await h.store.ticket(id, for: Fixture.leader).timeline
            #expect(page.versions[id] == Int64(timeline.count), "\(kind) \(id)")
        }
        #expect(page.versions[submitted] != page.versions[handled])
    }

    @Test(arguments: StoreKind.allCases) func filters(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let a = try await h.ticket(in: .dispatched, category: "pension")
        let b = try await h.submit(Fixture.report("违建", village: "V2", grid: "V2-G1", channel: .gridPhoto)).ticket.id
        h.clock.advance(by: 86400)
        let c = try await h.ticket(in: .inProgress, category: "elderly-care", viaVillage: true)
        func ids(_ f: TicketFilter) async throws -> Set<TicketID> {
            Set(try await h.store.list(f, page: PageRequest(limit: 100), for: Fixture.admin).items.map(\.ticket.id))
        }
        #expect(try await ids(TicketFilter(statuses: [.dispatched, .inProgress])) == [a, c])
        #expect(try await ids(TicketFilter(villageIDs: ["V2"])) == [b])
        #expect(try await ids(TicketFilter(gridIDs: ["V1-G1"])) == [a, c])
        #expect(try await ids(TicketFilter(categoryIDs: ["elderly-care"])) == [c])
        #expect(try await ids(TicketFilter(departmentIDs: ["dept-social"])) == [a])
        #expect(try await ids(TicketFilter(ownerUserID: "gw-a")) == [a, c])
        #expect(try await ids(TicketFilter(channels: [.gridPhoto])) == [b])
        #expect(try await ids(TicketFilter(createdFrom: Fixture.monday.addingTimeInterval(3600))) == [c])
        #expect(try await ids(TicketFilter(createdBefore: Fixture.monday.addingTimeInterval(3600))) == [a, b])
        #expect(try await ids(TicketFilter(onlyOverdue: true)).isEmpty)
        h.clock.set(Fixture.at(2026, 3, 20))
        #expect(try await ids(TicketFilter(onlyOverdue: true)) == [a, c])
        #expect(try await ids(TicketFilter(villageIDs: ["V1"], onlyOverdue: true, text: "临时用电")) == [a, c])
    }

    /// Six tickets with known fates; every figure checked by hand.
    @Test(arguments: StoreKind.allCases) func statisticsOnAKnownDataset(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        // 1: closed fixed, satisfied, 2 days.   2: closed cannot-be-fixed, satisfied first time? no: unsatisfied then satisfied.
        let t1 = try await h.ticket(in: .accepted, category: "pension")
        let t2 = try await h.ticket(in: .accepted, category: "elderly-care")
        let t3 = try await h.ticket(in: .dispatched, category: "illegal-building")
        let t4 = try await h.submit().ticket.id
        let t5 = try await h.submit().ticket.id
        let t6 = try await h.submit(Fixture.report(village: "V2", grid: "V2-G1")).ticket.id
        try await h.act(.resolveAtVillage, t1, by: Fixture.workerA)
        try await h.act(.reply(outcome: .fixed, result: "ok"), t1, by: Fixture.workerA)
        try await h.act(.followUp(satisfied: true, comment: nil), t1, by: Fixture.workerA)
        h.clock.advance(by: 2 * 86400)
        try await h.act(.close, t1, by: Fixture.workerA)                     // closed after 2 days
        try await h.act(.resolveAtVillage, t2, by: Fixture.workerA)
        try await h.act(.reply(outcome: .cannotBeFixed, result: "no"), t2, by: Fixture.workerA)
        try await h.act(.followUp(satisfied: false, comment: nil), t2, by: Fixture.workerA)
        try await h.act(.reply(outcome: .cannotBeFixed, result: "no"), t2, by: Fixture.workerA)
        try await h.act(.followUp(satisfied: true, comment: nil), t2, by: Fixture.workerA)
        h.clock.advance(by: 2 * 86400)
        try await h.act(.close, t2, by: Fixture.workerA)                     // closed after 4 days
        try await h.act(.reject(reason: "无效"), t4, by: Fixture.workerA)
        try await h.act(.linkDuplicate(of: t1), t5, by: Fixture.workerA)
        h.clock.set(Fixture.at(2026, 4, 30))                                 // t3 (complaint, 15 days) now overdue
        let s = try await h.store.statistics(TicketFilter(), for: Fixture.leader)
        #expect(s.total == 6)
        #expect(s.byStatus == [.closed: 3, .dispatched: 1, .rejected: 1, .submitted: 1])
        #expect(s.byVillage.mapValues(\.total) == ["V1": 5, "V2": 1])
        #expect(s.byCategory.mapValues(\.total) == ["pension": 1, "elderly-care": 1, "illegal-building": 1, "": 3])
        #expect(s.byDepartment.mapValues(\.total) == ["dept-build": 1, "": 5])
        // Each village, category and department carries its own figures.
        #expect(s.byVillage["V1"]?.resolutionRate == 0.5 && s.byVillage["V2"]?.responseRate == 0)
        #expect(s.byCategory["pension"]?.resolutionRate == 1 && s.byCategory["elderly-care"]?.resolutionRate == 0)
        #expect(s.byDepartment["dept-build"]?.overdue == 1 && s.byVillage["V1"]?.overdue == 1 && s.byCategory["pension"]?.overdue == 0)
        #expect(s.overall.closed == 3 && s.overall.duplicates == 1 && s.overall.rejected == 1 && s.overall.open == 2)
        #expect(s.overall.replied == 2 && s.overall.onTimeRate == 1, "t1 and t2 replied the day they were accepted")
        #expect(s.responseRate == 5.0 / 6.0)          // all but t6
        #expect(s.resolutionRate == 0.5)              // t1 fixed / (t1, t2); duplicate t5 excluded
        #expect(s.satisfactionRate == 1.0)            // t1, t2 latest follow-ups satisfied
        #expect(s.overdueCount == 1)                  // t3
        #expect(s.medianTimeToClose.map { abs($0 - 3 * 86400) < 0.001 } == true, "t1 2 days, t2 4 days; t5 (duplicate) excluded: \(String(describing: s.medianTimeToClose))")
        #expect(t3 > 0 && t6 > 0)
        let v2 = try await h.store.statistics(TicketFilter(villageIDs: ["V2"]), for: Fixture.leader)
        #expect(v2.total == 1 && v2.responseRate == 0 && v2.resolutionRate == nil && v2.medianTimeToClose == nil)
        // The running totals the triggers kept through every move equal a scan of the tickets.
        try await expectCellsAgreeWithScan(h.store, [(TicketFilter(), Fixture.leader), (TicketFilter(villageIDs: ["V2"]), Fixture.leader),
                                                     (TicketFilter(), Fixture.buildStaff)])
    }

    @Test(arguments: StoreKind.allCases) func numbersAreSequentialPerYearWithoutGaps(_ kind: StoreKind) async throws {
        let h = try await Harness(kind, start: Fixture.at(2026, 12, 31, 23, 0))
        let n1 = try await h.submit().ticket.number
        // A refused submission allocates nothing.
        #expect(await intakeError { try await h.submit(Fixture.report("   ")) } == .invalidInput("description is empty"))
        let n2 = try await h.submit().ticket.number
        h.clock.set(Fixture.at(2027, 1, 1, 0, 30))  // the year turns in Shanghai (still 2026 in UTC)
        let n3 = try await h.submit().ticket.number
        #expect([n1, n2, n3] == ["2026-000001", "2026-000002", "2027-000001"])
        // Concurrent submissions: distinct, contiguous.
        let numbers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<40 { group.addTask { try await h.submit().ticket.number } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(numbers).count == 40)
        #expect(numbers.sorted() == (2...41).map { String(format: "2027-%06d", $0) })
    }
}

/// Statistics a filter can take from the running totals (StatisticsCells) must equal those of
/// the same selection scanned from the tickets; a created-from bound at the epoch selects the
/// same tickets but forces the scan.
func expectCellsAgreeWithScan(_ store: any TicketStore, _ cases: [(TicketFilter, Principal)],
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for (filter, principal) in cases {
        var scanned = filter
        scanned.createdFrom = Date(timeIntervalSince1970: 0)
        let fromCells = try await store.statistics(filter, for: principal)
        let fromScan = try await store.statistics(scanned, for: principal)
        #expect(fromCells == fromScan, "\(principal.role) \(filter)", sourceLocation: sourceLocation)
        #expect(fromCells.total > 0, "the case selects tickets", sourceLocation: sourceLocation)
    }
}
