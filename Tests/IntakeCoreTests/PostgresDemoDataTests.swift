import Crypto
import Foundation
import Testing
@testable import IntakeCore
import IntakePostgresStore
import TownshipTestSupport

/// The demo data on both stores: the same searches give the same tickets (issue #16 item 3),
/// and `intake migrate` copies a SQLite database into PostgreSQL, interrupted and resumed
/// (item 4).
@Suite struct PostgresDemoDataTests {
    static let key = SymmetricKey(size: .bits256)
    static let ticketCount = 400

    /// A store of `kind` with the demo data, on the demo clock.
    func demo(_ kind: StoreKind, databaseURL: String? = nil) async throws -> Harness {
        let h = try await Harness(kind, start: DemoDataLoader.referenceNow, configuration: IntakeConfiguration(townshipCode: "demo"),
                                  checkpointKey: Self.key, databaseURL: databaseURL)
        _ = try await DemoDataLoader.load(into: h.store, ticketCount: Self.ticketCount, batchSize: 200)
        return h
    }

    static let searches = ["临时用电", "养老", "违建", "路灯", "老人", "电", "养老金 银行", "噪音", "垃圾", "地铁", "水", "停车"]

    @Test func chineseSearchFindsTheSameTicketsOnBothStores() async throws {
        let sqlite = try await demo(.sqlite)
        let postgres = try await demo(.postgres)
        let admin = Principal(userID: "a", role: .admin)
        var found = 0
        for text in Self.searches {
            func numbers(_ h: Harness) async throws -> [String] {
                var out: [String] = []
                var cursor: String?
                repeat {
                    let page = try await h.store.list(TicketFilter(text: text), page: PageRequest(limit: 500, cursor: cursor), for: admin)
                    out += page.items.map(\.ticket.number)
                    cursor = page.nextCursor
                } while cursor != nil
                return out
            }
            let (a, b) = (try await numbers(sqlite), try await numbers(postgres))
            #expect(a == b, "search '\(text)'")
            found += a.count
        }
        #expect(found > 0, "the searches find something in the demo data")
        #expect(try await sqlite.store.statistics(TicketFilter(), for: admin) == postgres.store.statistics(TicketFilter(), for: admin))
    }

    @Test func migrateCopiesEverythingResumesAfterAnInterruptionAndVerifies() async throws {
        let source = try await demo(.sqlite)
        // Besides the demo data: an idempotent submission, deadline notices and a checkpoint.
        _ = try await source.store.submit(Fixture.report(village: "V07", grid: nil), by: Fixture.admin, clientRequestID: "retry-me")
        _ = try await source.store.emitDueDeadlineNotices(now: DemoDataLoader.referenceNow, policy: ReminderPolicy(), limit: 500)
        let checkpoint = try await source.store.writeCheckpoint()!
        let sourceHead = try await source.store.ledgerHeadPosition()

        let target = try await Harness(.postgres, start: DemoDataLoader.referenceNow, configuration: IntakeConfiguration(townshipCode: "demo"),
                                       checkpointKey: Self.key)
        let store = target.store as! PostgresTicketStore
        let half = Int(sourceHead / 2)
        let first = try await SQLiteToPostgres.run(from: source.dir.databasePath, to: store, eventLimit: half)
        #expect(!first.complete && first.events == half)
        #expect(try await store.ledgerHeadPosition() == Int64(half))
        let second = try await SQLiteToPostgres.run(from: source.dir.databasePath, to: store)
        #expect(second.complete && second.tickets == 0 && first.events + second.events == Int(sourceHead))
        #expect(second.verification == .intact(events: sourceHead, checkpointPosition: checkpoint.position))
        // A third run finds nothing to copy and duplicates nothing.
        let third = try await SQLiteToPostgres.run(from: source.dir.databasePath, to: store)
        #expect(third.complete && third.tickets == 0 && third.events == 0)

        let admin = Principal(userID: "a", role: .admin)
        #expect(try await store.statistics(TicketFilter(), for: admin) == source.store.statistics(TicketFilter(), for: admin))
        var position: Int64 = 0
        while true {
            let (a, b) = (try await source.store.events(after: position, limit: 1_000, for: admin), try await store.events(after: position, limit: 1_000, for: admin))
            #expect(a == b)
            guard let last = a.last else { break }
            position = last.position
        }
        // The idempotency key came along: a retry on the target returns the first ticket.
        let retried = try await store.submit(Fixture.report(village: "V07", grid: nil), by: Fixture.admin, clientRequestID: "retry-me")
        #expect(retried.replayed)
        // New tickets continue the numbering and the chain.
        let next = try await store.submit(Fixture.report(village: "V07", grid: nil), by: Fixture.admin)
        #expect(next.ticket.id == (try await source.store.ticketIDs(after: 0, limit: 100_000).last! + 1))
        #expect(try await store.verifyLedger(next.ticket.id, for: admin).isIntact)

        // A database holding another township's data is refused, untouched.
        let other = try await Harness(.postgres, configuration: IntakeConfiguration(townshipCode: "other"))
        try await other.submit()
        let otherStore = other.store as! PostgresTicketStore
        await #expect(throws: SQLiteToPostgres.Refused.self) {
            _ = try await SQLiteToPostgres.run(from: source.dir.databasePath, to: otherStore)
        }
        #expect(try await otherStore.ledgerHeadPosition() == 1)
    }
}
