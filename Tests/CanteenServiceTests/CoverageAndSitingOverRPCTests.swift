import CanteenCore
import CanteenService
import Foundation
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("canteen-meals: demo data, figures, coverage and siting over live RPC")
struct CoverageAndSitingOverRPCTests {
    typealias API = Township_Canteen_V1_CanteenMeals

    @Test("the seeded district: figures by canteen and tier, coverage by community, sites proposed; bad k refused")
    func seededDistrict() async throws {
        try await LiveCanteen.with { live in
            let report = try DemoSeeder.load(into: live.store, scale: 0.1, mealsPerCanteenPerDay: 20, days: 5)
            #expect(report.elders == 1257)
            let figures = try await live.call(API.getMealFigures, .init(), as: Fixture.leader)
            #expect(figures.eldersByTier.reduce(0) { $0 + $1.elders } == 1257)
            let yesterday = Township_Canteen_V1_GetMealFiguresRequest.with {
                $0.day.year = 2026; $0.day.month = 12; $0.day.day = 1
            }
            let y = try await live.call(API.getMealFigures, yesterday, as: Fixture.leader)
            let served = y.canteens.reduce(0) { $0 + $1.mealsOnDay }
            #expect(served > 0 && served <= 20)
            #expect(y.canteens.reduce(0) { $0 + $1.mealsInMonth } >= served)

            var coverageRequest = Township_Canteen_V1_GetCoverageRequest(); coverageRequest.uncoveredLimit = 10
            let coverage = try await live.call(API.getCoverage, coverageRequest, as: Fixture.leader)
            #expect(coverage.total == 1257)
            #expect(coverage.communities.reduce(0) { $0 + $1.total } == 1257)
            #expect(coverage.covered < coverage.total && coverage.uncovered.count == 10)
            #expect(abs(coverage.radiusMeters - 1000 / 1.3) < 0.01)

            var siting = Township_Canteen_V1_ProposeSitesRequest(); siting.k = 3
            let sites = try await live.call(API.proposeSites, siting, as: Fixture.staff)
            #expect(sites.proposed.count == 3)
            #expect(sites.coveredAfter == sites.coveredBefore + sites.proposed.reduce(0) { $0 + $1.adds })
            #expect(sites.coveredAfter >= sites.greedyCovered)

            siting.k = 10_000
            let tooMany = await rpcFailure { _ = try await live.call(API.proposeSites, siting, as: Fixture.staff) }
            #expect(tooMany?.reason == "K_EXCEEDS_CANDIDATES")
            #expect(tooMany?.fields == ["k"])
            // More than the candidates given (within maximumK).
            siting.k = 2
            siting.candidates = [Township_Canteen_V1_CandidateSite.with {
                $0.name = "only"; $0.location.latitude = 30.545; $0.location.longitude = 117.005
            }]
            let beyond = await rpcFailure { _ = try await live.call(API.proposeSites, siting, as: Fixture.staff) }
            #expect(beyond?.reason == "K_EXCEEDS_CANDIDATES")
        }
    }
}
