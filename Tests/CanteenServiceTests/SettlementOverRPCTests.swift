import CanteenCore
import Foundation
import GRDB
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("canteen-meals: eligibility ending and settlements over live RPC")
struct SettlementOverRPCTests {
    typealias API = Township_Canteen_V1_CanteenMeals
    static let mealDay = CivilDate(year: 2026, month: 11, day: 10)!

    @Test("a settlement pays served, eligible, first-of-the-day meals only, reconciles the rest, and is issued once")
    func settlement() async throws {
        try await LiveCanteen.with(now: Fixture.at(Self.mealDay, 11)) { live in
            try await live.putCanteen("K1", staff: ["op-k1"])
            try await live.putMenu("K1", day: Self.mealDay, priceFen: 1600)
            let a = try await live.register(born: "19400101", sequence: 1)   // 80+: 8 yuan
            let b = try await live.register(born: "19600101", sequence: 2)   // 60-69: 3 yuan
            let cardA = try await live.issueCard(a.elderID)
            let cardB = try await live.issueCard(b.elderID)
            let mealA = try await live.checkIn(card: cardA.cardNumber, at: "K1")
            #expect(mealA.subsidy.amountFen == 800)
            _ = await rpcFailure { _ = try await live.checkIn(card: cardA.cardNumber, at: "K1") }
            let mealB = try await live.checkIn(card: cardB.cardNumber, at: "K1")
            #expect(mealB.subsidy.amountFen == 300)

            // Two days later B's death on the 9th is reported: the meal of the 10th must not be paid.
            live.clock.set(Fixture.at(CivilDate(year: 2026, month: 11, day: 12)!, 9))
            var end = Township_Canteen_V1_EndEligibilityRequest()
            end.elderID = b.elderID; end.end.reason = .death; end.end.from.year = 2026; end.end.from.month = 11; end.end.from.day = 9
            let ended = try await live.call(API.endEligibility, end, as: Fixture.staff).elder
            #expect(ended.cardNumber.isEmpty && ended.tier == .unspecified)
            // The same end again is a no-op; another end is refused.
            _ = try await live.call(API.endEligibility, end, as: Fixture.staff)
            var other = end; other.end.reason = .movedAway
            #expect(await rpcFailure { _ = try await live.call(API.endEligibility, other, as: Fixture.staff) }?.reason == "ELIGIBILITY_ALREADY_ENDED")

            var issue = Township_Canteen_V1_IssueSettlementRequest(); issue.operatorID.value = "OP1"; issue.month = "2026-11"
            let open = await rpcFailure { _ = try await live.call(API.issueSettlement, issue, as: Fixture.staff) }
            #expect(open?.reason == "SETTLEMENT_PERIOD_OPEN")

            live.clock.set(Fixture.at(Fixture.today, 9))
            let settlement = try await live.call(API.issueSettlement, issue, as: Fixture.staff).settlement
            #expect(settlement.lines.map(\.mealID) == [mealA.mealID])
            #expect(settlement.totalSubsidy.amountFen == 800)
            #expect(settlement.digest.count == 64 && settlement.digestVerified)
            let reasons = settlement.refused.map(\.reason)
            #expect(reasons.contains(.elderDeceased) && reasons.contains(.secondSubsidisedMeal) && reasons.count == 2)
            #expect(settlement.refused.first { $0.reason == .elderDeceased }?.mealID == mealB.mealID)

            let again = await rpcFailure { _ = try await live.call(API.issueSettlement, issue, as: Fixture.staff) }
            #expect(again?.status == .alreadyExists)
            #expect(again?.reason == "SETTLEMENT_ALREADY_ISSUED")
            var get = Township_Canteen_V1_GetSettlementRequest(); get.settlementID = settlement.settlementID
            let read = try await live.call(API.getSettlement, get, as: Fixture.leader).settlement
            #expect(read.digest == settlement.digest && read.digestVerified && read.lines == settlement.lines)

            // Immutable in the database itself.
            let queue = try DatabaseQueue(path: live.databasePath)
            #expect(throws: DatabaseError.self) {
                try queue.write { db in try db.execute(sql: "UPDATE settlement_lines SET subsidy_fen = 9999") }
            }
            #expect(throws: DatabaseError.self) {
                try queue.write { db in try db.execute(sql: "DELETE FROM settlements") }
            }
        }
    }

    @Test("after eligibility ends, a check-in is refused with the reason and recorded")
    func endedEligibilityAtCheckIn() async throws {
        try await LiveCanteen.with { live in
            let (elder, card) = try await live.standardSetup()
            var end = Township_Canteen_V1_EndEligibilityRequest()
            end.elderID = elder.elderID; end.end.reason = .movedAway; end.end.from.year = 2026; end.end.from.month = 12; end.end.from.day = 1
            _ = try await live.call(API.endEligibility, end, as: Fixture.staff)
            let refused = await rpcFailure { _ = try await live.checkIn(card: card.cardNumber, at: "K1") }
            #expect(refused?.reason == "ELIGIBILITY_ENDED")
            #expect(try live.count("SELECT COUNT(*) FROM refused_claims WHERE reason = 'elder_moved_away'") == 1)
            let reserve = await rpcFailure { _ = try await live.reserve(elder.elderID) }
            #expect(reserve?.reason == "ELIGIBILITY_ENDED")
        }
    }
}
