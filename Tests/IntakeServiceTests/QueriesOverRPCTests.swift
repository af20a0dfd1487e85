import Foundation
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("Queries over live RPC")
struct QueriesOverRPCTests {
    @Test("ListTickets: filters, pagination without gaps or repeats, Chinese full-text search")
    func listFiltersPagesAndSearch() async throws {
        let live = try await LiveIntake()
        do {
            var ids: [String] = []
            for i in 0..<7 {
                live.clock.advance(by: 60)
                ids.append(try await live.submit("第\(i)件：路灯不亮，晚上出行不便").ticket.id.value)
            }
            live.clock.advance(by: 60)
            let water = try await live.submit("自来水管道破裂漏水", village: "V2", grid: "V2-G1", channel: .gridPhoto).ticket.id
            _ = try await live.accept(water, by: Fixture.leader)

            // Pages of 3, newest first, no gap, no repeat.
            var request = Township_Intake_V1_ListTicketsRequest()
            request.page.pageSize = 3
            var seen: [String] = []
            repeat {
                let page = try await live.call(Township_Intake_V1_Intake.listTickets, request, as: Fixture.leader)
                seen += page.tickets.map(\.id.value)
                request.page.cursor = page.page.nextCursor
            } while !request.page.cursor.isEmpty
            #expect(seen == [water.value] + ids.reversed())

            // Filters.
            var byVillage = Township_Intake_V1_ListTicketsRequest()
            byVillage.filter.villageIds = [{ var v = Township_Common_V1_VillageId(); v.value = "V2"; return v }()]
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, byVillage, as: Fixture.leader).tickets.map(\.id) == [water])
            var byStatus = Township_Intake_V1_ListTicketsRequest()
            byStatus.filter.statuses = [.accepted]
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, byStatus, as: Fixture.leader).tickets.map(\.id) == [water])
            var byChannel = Township_Intake_V1_ListTicketsRequest()
            byChannel.filter.channels = [.gridPhoto]
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, byChannel, as: Fixture.leader).tickets.count == 1)

            // Chinese search: a two-character word inside a longer description.
            var search = Township_Intake_V1_ListTicketsRequest()
            search.filter.query = "漏水"
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, search, as: Fixture.leader).tickets.map(\.id) == [water])
            search.filter.query = "路灯"
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, search, as: Fixture.leader).tickets.count == 7)
            search.filter.query = "地震"
            #expect(try await live.call(Township_Intake_V1_Intake.listTickets, search, as: Fixture.leader).tickets.isEmpty)

            // Visibility applies to lists: grid worker B sees only V2-G1.
            let asB = try await live.call(Township_Intake_V1_Intake.listTickets, Township_Intake_V1_ListTicketsRequest(), as: Fixture.workerB)
            #expect(asB.tickets.map(\.id) == [water])

            // A forged cursor is refused.
            var forged = Township_Intake_V1_ListTicketsRequest()
            forged.page.cursor = "not-a-cursor"
            let failure = await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.listTickets, forged, as: Fixture.leader) }
            #expect(failure?.status == .invalidArgument)
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    /// A created range beyond what a Timestamp allows once trapped intake turning it into
    /// milliseconds (Int64 overflow): both queries refuse it, naming the field, and intake serves on.
    @Test("A created range outside Timestamp's range is INVALID_ARGUMENT, not a crash")
    func hugeTimestampsAreRefused() async throws {
        let live = try await LiveIntake()
        do {
            var list = Township_Intake_V1_ListTicketsRequest()
            list.filter.created.start.seconds = .max
            let listFailure = await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.listTickets, list, as: Fixture.leader) }
            #expect(listFailure?.status == .invalidArgument)
            #expect(listFailure?.message.contains("filter.created.start") == true, "\(String(describing: listFailure))")
            var statistics = Township_Intake_V1_GetStatisticsRequest()
            statistics.created.end.seconds = .min
            let statisticsFailure = await rpcFailure { _ = try await live.call(Township_Intake_V1_Intake.getStatistics, statistics, as: Fixture.leader) }
            #expect(statisticsFailure?.status == .invalidArgument)
            #expect(statisticsFailure?.message.contains("created.end") == true)
            _ = try await live.submit()
        } catch { await live.stop(); throw error }
        await live.stop()
    }

    @Test("GetStatistics counts by status and village, and the response rate")
    func statistics() async throws {
        let live = try await LiveIntake()
        do {
            let a = try await live.submit().ticket.id
            _ = try await live.submit()
            _ = try await live.submit("柳树村的问题", village: "V2", grid: "V2-G1")
            _ = try await live.accept(a)
            let stats = try await live.call(Township_Intake_V1_Intake.getStatistics, Township_Intake_V1_GetStatisticsRequest(), as: Fixture.leader)
            #expect(stats.overall.ticketCount == 3)
            #expect(stats.overall.openCount == 3)
            #expect(Dictionary(uniqueKeysWithValues: stats.byStatus.map { ($0.status, $0.count) }) == [.submitted: 2, .accepted: 1])
            #expect(Dictionary(uniqueKeysWithValues: stats.byVillage.map { ($0.villageID.value, $0.figures.ticketCount) }) == ["V1": 2, "V2": 1])
            // Rates go out as the exact counts behind them.
            #expect(stats.overall.responseRate.numerator == 1 && stats.overall.responseRate.denominator == 3)
            #expect(stats.byVillage.first { $0.villageID.value == "V1" }?.figures.responseRate.denominator == 2)
            #expect(stats.overall.hasResolutionRate == false, "no outcome yet: no resolution rate")
            // The never-dispatched are not a department; the unclassified have no category id.
            #expect(stats.byDepartment.isEmpty)
            #expect(stats.byCategory.filter { !$0.hasCategoryID }.map(\.figures.ticketCount) == [2])
            // Residents get no township-wide figures beyond their own tickets.
            let mine = try await live.call(Township_Intake_V1_Intake.getStatistics, Township_Intake_V1_GetStatisticsRequest(), as: Fixture.resident)
            #expect(mine.overall.ticketCount == 0)
        } catch { await live.stop(); throw error }
        await live.stop()
    }
}
