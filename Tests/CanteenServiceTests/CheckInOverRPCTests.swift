import CanteenCore
import CanteenService
import Foundation
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("canteen-meals: check-ins and the once-a-day rule over live RPC")
struct CheckInOverRPCTests {
    typealias API = Township_Canteen_V1_CanteenMeals

    @Test("the first meal of the day is subsidised; a second, anywhere, is refused or served at full price")
    func onceADay() async throws {
        try await LiveCanteen.with { live in
            let (_, card) = try await live.standardSetup()
            let first = try await live.checkIn(card: card.cardNumber, at: "K1")
            // 70-79 tier: 5 yuan from a 15 yuan meal (standard table).
            #expect(first.tier == .ageTier70To79)
            #expect(first.menuPrice.amountFen == 1500 && first.subsidy.amountFen == 500 && first.payable.amountFen == 1000)
            #expect(!first.fullPrice)
            let second = await rpcFailure { _ = try await live.checkIn(card: card.cardNumber, at: "K2") }
            #expect(second?.status == .failedPrecondition)
            #expect(second?.reason == "SUBSIDY_ALREADY_USED_TODAY")
            let full = try await live.checkIn(card: card.cardNumber, at: "K2", fullPrice: true)
            #expect(full.fullPrice && full.subsidy.amountFen == 0 && full.payable.amountFen == 1500)
            #expect(try live.count("SELECT COUNT(*) FROM meals WHERE subsidy_fen > 0") == 1)
            // The next day the subsidy is back.
            live.clock.set(Fixture.at(Fixture.today.adding(days: 1)!, 11))
            try await live.putMenu("K2", day: Fixture.today.adding(days: 1)!)
            #expect(try await live.checkIn(card: card.cardNumber, at: "K2").subsidy.amountFen == 500)
        }
    }

    @Test("many concurrent check-ins at two canteens give exactly one subsidised meal")
    func concurrentCheckIns() async throws {
        try await LiveCanteen.with { live in
            let (_, card) = try await live.standardSetup()
            let attempts = 24
            let outcomes = await withTaskGroup(of: (subsidised: Bool, reason: String?).self) { group in
                for i in 0..<attempts {
                    group.addTask {
                        do {
                            let meal = try await live.checkIn(card: card.cardNumber, at: i % 2 == 0 ? "K1" : "K2")
                            return (meal.subsidy.amountFen > 0, nil)
                        } catch {
                            return (false, await rpcFailure { throw error }?.reason)
                        }
                    }
                }
                var all: [(subsidised: Bool, reason: String?)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter(\.subsidised).count == 1)
            #expect(outcomes.filter { $0.reason == "SUBSIDY_ALREADY_USED_TODAY" }.count == attempts - 1)
            #expect(try live.count("SELECT COUNT(*) FROM meals") == 1)
            #expect(try live.count("SELECT COUNT(*) FROM subsidised_days") == 1)
            #expect(try live.count("SELECT COUNT(*) FROM refused_claims WHERE reason = 'second_subsidised_meal'") == attempts - 1)
        }
    }

    @Test("check-ins that share a commit fail alone: ten elders served at K1 while ten at a canteen without a menu are refused")
    func groupCommitIsolation() async throws {
        try await LiveCanteen.with { live in
            try await live.putCanteen("K1", staff: ["op-k1"])
            try await live.putCanteen("K2", staff: ["op-k2"], operatorID: "OP2")
            try await live.putMenu("K1")   // K2 has no menu today: MENU_NOT_FOUND
            var cards: [String] = []
            for n in 1...10 {
                let elder = try await live.register(sequence: n)
                cards.append(try await live.issueCard(elder.elderID).cardNumber)
            }
            let outcomes = await withTaskGroup(of: (canteen: String, ok: Bool, reason: String?).self) { group in
                for card in cards {
                    for canteen in ["K1", "K2"] {
                        group.addTask {
                            do {
                                _ = try await live.checkIn(card: card, at: canteen)
                                return (canteen, true, nil)
                            } catch {
                                return (canteen, false, await rpcFailure { throw error }?.reason)
                            }
                        }
                    }
                }
                var all: [(canteen: String, ok: Bool, reason: String?)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0.canteen == "K1" }.allSatisfy { $0.ok })
            #expect(outcomes.filter { $0.canteen == "K2" }.allSatisfy { !$0.ok && $0.reason == "MENU_NOT_FOUND" })
            #expect(try live.count("SELECT COUNT(*) FROM meals WHERE canteen_id = 'K1' AND subsidy_fen > 0") == 10)
            #expect(try live.count("SELECT COUNT(*) FROM meals WHERE canteen_id = 'K2'") == 0)
            #expect(try live.count("SELECT COUNT(*) FROM refused_claims") == 0)
        }
    }

    @Test("beyond the queue limit a check-in is refused at once with RESOURCE_EXHAUSTED and nothing is stored")
    func queueLimit() async throws {
        var configuration = CanteenConfiguration()
        configuration.checkInQueueLimit = 0
        try await LiveCanteen.with(configuration: configuration) { live in
            let (_, card) = try await live.standardSetup()
            let refused = await rpcFailure { _ = try await live.checkIn(card: card.cardNumber, at: "K1") }
            #expect(refused?.status == .resourceExhausted)
            #expect(try live.count("SELECT (SELECT COUNT(*) FROM meals) + (SELECT COUNT(*) FROM refused_claims)") == 0)
        }
    }

    @Test("a retried check-in (same client request id) records one meal")
    func idempotentCheckIn() async throws {
        try await LiveCanteen.with { live in
            let (_, card) = try await live.standardSetup()
            var r = Township_Canteen_V1_CheckInRequest()
            r.clientRequestID = "till-7-0001"; r.canteenID.value = "K1"; r.cardNumber = card.cardNumber
            let a = try await live.call(API.checkIn, r, as: Fixture.operatorK1).meal
            let b = try await live.call(API.checkIn, r, as: Fixture.operatorK1).meal
            #expect(a == b)
            #expect(try live.count("SELECT COUNT(*) FROM meals") == 1)
        }
    }

    @Test("the store runs in WAL with synchronous FULL")
    func durability() async throws {
        try await LiveCanteen.with { live in
            let settings = try live.store.durabilitySettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
        }
    }
}
