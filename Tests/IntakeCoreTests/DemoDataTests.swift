import Foundation
import Testing
@testable import IntakeCore

@Suite struct DemoDataTests {
    @Test func referenceDataMatchesTheSeedFigures() throws {
        let data = DemoReferenceData.make()
        #expect(data.villages.count == 42)
        #expect(data.grids.filter { $0.level == 1 }.count == 56)
        #expect(data.grids.filter { $0.level == 2 }.count == 56)
        #expect(data.grids.filter { $0.level == 3 }.count == 278)
        #expect(data.gridWorkers.filter { $0.level == 3 }.count == 278)
        #expect(data.departments.count == 10)
        _ = try ReferenceCatalog(data)
        #expect(data == DemoReferenceData.make())
    }

    @Test func generationIsDeterministic() throws {
        let catalog = try ReferenceCatalog(DemoReferenceData.make())
        let gen = DemoTicketGenerator(catalog: catalog, calendar: WorkingCalendar(), now: DemoDataLoader.referenceNow)
        func run() throws -> [GeneratedTicket] {
            var rng = SeededRandom(seed: 7)
            return try (0..<300).map { try gen.ticket(index: $0, of: 300, rng: &rng) }
        }
        let a = try run(), b = try run()
        #expect(a.map(\.ticket) == b.map(\.ticket))
        #expect(a.map(\.entries) == b.map(\.entries))
        #expect(Set(a.map(\.ticket.status)).count >= 7, "tickets in many states: \(Set(a.map(\.ticket.status)))")
        #expect(Set(a.map(\.ticket.channel)) == Set(Channel.allCases))
    }

    @Test func loadsTicketsWithValidLedgers() async throws {
        let dir = try TempDirectory()
        let store = try SQLiteTicketStore(path: dir.databasePath, configuration: IntakeConfiguration(townshipCode: "demo"),
                                          clock: ManualClock(DemoDataLoader.referenceNow))
        let report = try await DemoDataLoader.load(into: store, ticketCount: 2_000, batchSize: 500)
        #expect(report.tickets == 2_000 && report.ledgerEvents > 2_000)
        let admin = Principal(userID: "a", role: .admin)
        let stats = try await store.statistics(TicketFilter(), for: admin)
        #expect(stats.total == 2_000)
        #expect(stats.byVillage.count == 42)
        #expect(stats.byStatus[.closed, default: 0] > 1_000)
        #expect(Set(stats.byStatus.keys) == Set(TicketStatus.allCases), "every state present: \(stats.byStatus)")
        #expect(stats.overdueCount > 0)
        #expect((stats.resolutionRate ?? 0) > 0.6 && (stats.satisfactionRate ?? 0) > 0.8)
        try await expectCellsAgreeWithScan(store, [
            (TicketFilter(), admin), (TicketFilter(statuses: [.closed, .inProgress], villageIDs: ["V07", "V12"]), admin),
            (TicketFilter(categoryIDs: ["pension"]), admin), (TicketFilter(), Principal(userID: "s", role: .departmentStaff, departmentID: "dept-social")),
        ])
        for id in stride(from: TicketID(1), through: 2_000, by: 97) {
            #expect(try await store.verifyLedger(id, for: admin).isIntact)
        }
        #expect(try await store.list(TicketFilter(text: "临时用电"), page: PageRequest(limit: 5), for: admin).items.isEmpty == false)
        let last = try await store.list(TicketFilter(), page: PageRequest(limit: 1), for: admin).items[0].ticket
        // Numbers restart each year and have no gaps: the newest number is the count of that year's tickets.
        let in2026 = try await store.statistics(TicketFilter(createdFrom: Fixture.at(2026, 1, 1)), for: admin).total
        #expect(last.number == String(format: "2026-%06d", in2026))
    }
}
