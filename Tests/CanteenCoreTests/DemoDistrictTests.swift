import Testing
@testable import CanteenCore

@Suite struct DemoDistrictTests {
    @Test func matchesTheSeedsFiguresWithValidUniqueIDNumbers() throws {
        let d = DemoDistrict(seed: 2026)
        #expect(d.communities.count == 13)
        #expect(d.elders.count == 12_568)
        var perTier: [AgeTier: Int] = [:]
        var ids = Set<String>()
        for e in d.elders {
            let id = try ResidentIDNumber(e.idNumber, today: d.referenceDay)
            #expect(id.birthDate == e.eligibility.birthDate)
            perTier[try e.eligibility.tier(on: d.referenceDay), default: 0] += 1
            ids.insert(e.idNumber)
            #expect(abs(e.position.x) <= d.halfSide && abs(e.position.y) <= d.halfSide)
        }
        #expect(ids.count == 12_568)
        #expect(perTier == [.age60to69: 6_452, .age70to79: 4_291, .age80plus: 1_825])
        #expect(d.canteens.filter { $0.status == .operating }.count == 8)
        #expect(d.canteens.filter { $0.status == .building }.count == 7)
        #expect(d.stations.count == 39)
        #expect(abs(4 * d.halfSide * d.halfSide - 15_000_000) < 1)
        #expect(Set(d.elders.map(\.community)).isSubset(of: Set(d.communities.map(\.name))))
    }

    @Test func sameSeedSameDistrictAndAScaledMode() {
        let a = DemoDistrict(seed: 5, scale: 0.1), b = DemoDistrict(seed: 5, scale: 0.1)
        #expect(a.elders == b.elders && a.stations == b.stations && a.canteens == b.canteens)
        #expect(a.elders.count == 645 + 429 + 183)
        #expect(DemoDistrict(seed: 6, scale: 0.1).elders != a.elders)
    }

    @Test func coverageAndSitingRunOnTheDemoDistrict() throws {
        let d = DemoDistrict(seed: 2026, scale: 0.2)
        let operating = d.canteens.filter { $0.status == .operating }.map(\.position)
        let report = try CoverageReport.compute(elders: d.elderLocations, operatingCanteens: operating, reach: .standard)
        #expect(report.overall.total == d.elders.count)
        #expect(report.overall.covered + report.uncoveredElderIDs.count == d.elders.count)
        let operatingOnly = try SiteSelector.solve(d.sitingProblem(k: 5, countBuilding: false))
        #expect(operatingOnly.coveredBefore == report.overall.covered)
        #expect(operatingOnly.coveredAfter > operatingOnly.coveredBefore)
        let withBuilding = try SiteSelector.solve(d.sitingProblem(k: 5))
        #expect(withBuilding.coveredBefore >= operatingOnly.coveredBefore)
        #expect(throws: SitingError.kExceedsCandidates(k: 40, candidates: d.stations.count)) {
            try SiteSelector.solve(d.sitingProblem(k: 40))
        }
    }
}
