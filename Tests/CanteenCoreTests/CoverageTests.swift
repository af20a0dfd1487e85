import Testing
import TownshipRandom
@testable import CanteenCore

@Suite struct CoverageTests {
    @Test func localPlaneGivesMetresAroundTheCentre() {
        let plane = LocalPlane(centre: GeoPoint(latitude: 30.5, longitude: 117.0))
        let north = plane.project(GeoPoint(latitude: 30.51, longitude: 117.0))
        #expect(abs(north.x) < 1e-9)
        #expect(abs(north.y - 1111.95) < 0.1)
        let east = plane.project(GeoPoint(latitude: 30.5, longitude: 117.01))
        // 1111.95 m × cos 30.5° = 958.1 m.
        #expect(abs(east.x - 958.1) < 0.2)
        let back = plane.unproject(PlanePoint(x: 1234, y: -567))
        let again = plane.project(back)
        #expect(abs(again.x - 1234) < 1e-6 && abs(again.y + 567) < 1e-6)
    }

    @Test func standardReachIsAThousandMetresOfWalkingAt769MetresStraight() throws {
        let r = WalkingReach.standard
        #expect(r.walkingMetres == 1000)
        #expect(abs(r.straightLineMetres - 1000 / 1.3) < 1e-9)
        #expect(r.walkingDistance(from: PlanePoint(x: 0, y: 0), to: PlanePoint(x: 300, y: 400)) == 650)
        #expect(throws: CoverageError.invalidSetting(field: "reach.detour_factor", value: 0.9)) {
            try WalkingReach(minutes: 15, speedKilometresPerHour: 4, detourFactor: 0.9).validated()
        }
        #expect(throws: CoverageError.invalidSetting(field: "reach.minutes", value: 0)) {
            try WalkingReach(minutes: 0, speedKilometresPerHour: 4, detourFactor: 1.3).validated()
        }
    }

    @Test func sharesOverallAndPerCommunityAndTheUncovered() throws {
        let elders = [
            ElderLocation(elderID: "a", community: "东", position: PlanePoint(x: 700, y: 0)),  // 910 m walk: covered
            ElderLocation(elderID: "b", community: "东", position: PlanePoint(x: 800, y: 0)),  // 1,040 m: not
            ElderLocation(elderID: "c", community: "西", position: PlanePoint(x: -100, y: 50)),
            ElderLocation(elderID: "d", community: "西", position: PlanePoint(x: 3000, y: 3000)),
            ElderLocation(elderID: "e", community: "北", position: PlanePoint(x: 0, y: 769.2)),  // just inside
        ]
        let report = try CoverageReport.compute(elders: elders, operatingCanteens: [PlanePoint(x: 0, y: 0)], reach: .standard)
        #expect(report.overall == CoverageFigure(covered: 3, total: 5))
        #expect(report.byCommunity["东"] == CoverageFigure(covered: 1, total: 2))
        #expect(report.byCommunity["西"] == CoverageFigure(covered: 1, total: 2))
        #expect(report.byCommunity["北"] == CoverageFigure(covered: 1, total: 1))
        #expect(report.uncoveredElderIDs == ["b", "d"])
        // Without detours (factor 1) the 800 m elder is within 1,000 m.
        let straight = try CoverageReport.compute(elders: elders, operatingCanteens: [PlanePoint(x: 0, y: 0)],
                                                  reach: WalkingReach(minutes: 15, speedKilometresPerHour: 4, detourFactor: 1))
        #expect(straight.uncoveredElderIDs == ["d"])
        // No canteen: nobody covered; no elders: share 1 by convention, nothing uncovered.
        #expect(try CoverageReport.compute(elders: elders, operatingCanteens: [], reach: .standard).overall.covered == 0)
        #expect(try CoverageReport.compute(elders: [], operatingCanteens: [PlanePoint(x: 0, y: 0)], reach: .standard).overall.share == 1)
    }

    @Test func refusesCoordinatesThatAreNotNumbers() {
        let elders = [ElderLocation(elderID: "a", community: "c", position: PlanePoint(x: .nan, y: 0))]
        #expect(throws: CoverageError.invalidCoordinate(field: "elders", index: 0)) {
            try CoverageReport.compute(elders: elders, operatingCanteens: [], reach: .standard)
        }
        let far = [ElderLocation(elderID: "a", community: "c", position: PlanePoint(x: 0, y: 0)),
                   ElderLocation(elderID: "b", community: "c", position: PlanePoint(x: 1.7e308, y: -1.7e308))]
        #expect(throws: CoverageError.invalidCoordinate(field: "elders", index: 1)) {
            try CoverageReport.compute(elders: far, operatingCanteens: [], reach: .standard)
        }
    }

    @Test func gridIndexFindsExactlyThePointsABruteForceFinds() {
        var rng = SplitMix64(seed: 42)
        let points = (0..<3000).map { _ in
            PlanePoint(x: Double.random(in: -2000...2000, using: &rng), y: Double.random(in: -2000...2000, using: &rng))
        }
        for cellSize in [50.0, 300, 5000] {
            let index = GridIndex(points: points, cellSize: cellSize)
            for _ in 0..<50 {
                let q = PlanePoint(x: Double.random(in: -2500...2500, using: &rng), y: Double.random(in: -2500...2500, using: &rng))
                let r = Double.random(in: 0...600, using: &rng)
                let expected = points.indices.filter { points[$0].squaredDistance(to: q) <= r * r }
                #expect(index.points(within: r, of: q).sorted() == expected)
            }
        }
        // Far away, infinite or empty: nothing, and no trap.
        let index = GridIndex(points: points, cellSize: 300)
        #expect(index.points(within: 300, of: PlanePoint(x: 1e300, y: -1e300)).isEmpty)
        #expect(index.points(within: 300, of: PlanePoint(x: .infinity, y: 0)).isEmpty)
        #expect(GridIndex(points: [], cellSize: 300).points(within: 300, of: PlanePoint(x: 0, y: 0)).isEmpty)
    }
}
