import CanteenCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension CanteenService {
    func registerFigures(_ router: inout RPCRouter) {
        let m = Township_Canteen_V1_CanteenMeals.self
        let store = self.store
        handle(&router, m.getMealFigures) { req, p in
            try CanteenAccess.requireReader(p, "read figures")
            let day = req.hasDay ? try RequestValidation.date(req.day, "day") : store.today
            let figures = try await blocking { try store.mealFigures(day: day) }
            var r = Township_Canteen_V1_GetMealFiguresResponse()
            r.day = ProtoMapping.date(figures.day)
            r.canteens = figures.canteens.map { f in
                var w = Township_Canteen_V1_CanteenMealCount()
                w.canteenID.value = f.canteenID; w.name = f.name
                w.mealsOnDay = Int64(f.mealsOnDay); w.mealsInMonth = Int64(f.mealsInMonth)
                w.subsidyInMonth = ProtoMapping.money(f.subsidyInMonthFen)
                return w
            }
            r.eldersByTier = AgeTier.allCases.map { tier in
                var w = Township_Canteen_V1_TierCount()
                w.tier = ProtoEnums.tier(tier); w.elders = Int64(figures.eldersByTier[tier] ?? 0)
                return w
            }
            return r
        }
        handle(&router, m.getCoverage) { req, p in
            try CanteenAccess.requireReader(p, "read coverage")
            let reach = try RequestValidation.reach(req.hasReach ? req.reach : nil, default: store.configuration.reach)
            guard (0...500).contains(req.uncoveredLimit) else { throw CanteenRefusal.invalid("uncovered_limit", "must be within 0...500") }
            let limit = Int(req.uncoveredLimit)
            let coverage = try await blocking { try store.coverage(reach: reach, uncoveredLimit: limit) }
            var r = Township_Canteen_V1_GetCoverageResponse()
            r.reach = ProtoMapping.reach(reach)
            r.radiusMeters = reach.straightLineMetres
            r.covered = Int64(coverage.report.overall.covered)
            r.total = Int64(coverage.report.overall.total)
            r.communities = coverage.report.byCommunity.keys.sorted().map { name in
                let figure = coverage.report.byCommunity[name]!
                var w = Township_Canteen_V1_CommunityCoverage()
                w.communityID.value = name; w.covered = Int64(figure.covered); w.total = Int64(figure.total)
                return w
            }
            r.uncovered = coverage.uncovered.map { e in
                var w = Township_Canteen_V1_UncoveredElder()
                w.elderID.value = WireIDs.elder(e.id); w.communityID.value = e.community; w.home = ProtoMapping.geo(e.home)
                return w
            }
            return r
        }
        handle(&router, m.proposeSites) { req, p in
            try CanteenAccess.requireReader(p, "propose sites")
            let configuration = store.configuration
            guard req.candidates.count <= configuration.maximumSitingCandidates else {
                throw CanteenRefusal(.resourceExhausted, "SITING_TOO_LARGE",
                                     "candidates: at most \(configuration.maximumSitingCandidates) candidate sites per request")
            }
            guard (1...configuration.maximumK).contains(Int(req.k)) else {
                throw CanteenRefusal(.invalidArgument, "K_EXCEEDS_CANDIDATES", "k: must be within 1...\(configuration.maximumK)", field: "k")
            }
            let candidates = try req.candidates.enumerated().map { i, c in
                (name: try RequestValidation.text(c.name, "candidates[\(i)].name", maximum: RequestValidation.maximumNameCharacters),
                 location: try RequestValidation.geo(c.location, "candidates[\(i)].location"))
            }
            let reach = try RequestValidation.reach(req.hasReach ? req.reach : nil, default: configuration.reach)
            let k = Int(req.k), building = req.countUnderConstruction
            let siting = try await blocking {
                try store.proposeSites(k: k, candidates: candidates, reach: reach, countUnderConstruction: building)
            }
            var r = Township_Canteen_V1_ProposeSitesResponse()
            r.total = Int64(siting.result.totalDemand)
            r.coveredBefore = Int64(siting.result.coveredBefore)
            r.coveredAfter = Int64(siting.result.coveredAfter)
            r.greedyCovered = Int64(siting.result.greedyCovered)
            r.proposed = siting.result.proposed.map { s in
                var w = Township_Canteen_V1_ProposedSite()
                w.site.name = siting.candidates[s.candidate].name
                w.site.location = ProtoMapping.geo(siting.candidates[s.candidate].location)
                w.adds = Int64(s.adds); w.coversAlone = Int64(s.coversAlone)
                return w
            }
            return r
        }
    }
}
