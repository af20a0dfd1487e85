import Foundation
import TownshipRandom

/// Siting instances of any size in a district of the seed's area, for benchmarks and the
/// exact-solver cross-check: demand clustered around 13 community centres (σ = 450 m, a tenth
/// spread evenly), candidate sites spread evenly. With a radius small against the spacing of
/// sites (300 m in 15 km²) greedy alone is not optimal.
public enum ScaledSitingInstance {
    public static func make(demandPoints: Int, candidateSites: Int, radius: Double, k: Int, seed: UInt64,
                            areaSquareMetres: Double = DemoDistrict.areaSquareMetres) -> SitingProblem {
        var rng = SplitMix64(seed: seed)
        let half = areaSquareMetres.squareRoot() / 2
        func uniform(_ rng: inout SplitMix64) -> PlanePoint {
            PlanePoint(x: Double.random(in: -half...half, using: &rng), y: Double.random(in: -half...half, using: &rng))
        }
        let centres = (0..<DemoDistrict.communityCount).map { _ in uniform(&rng) }
        var demand: [PlanePoint] = []
        demand.reserveCapacity(demandPoints)
        for _ in 0..<demandPoints {
            if Double.random(in: 0..<1, using: &rng) < 0.1 {
                demand.append(uniform(&rng))
                continue
            }
            let c = centres[Int.random(in: 0..<centres.count, using: &rng)]
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            let r = 450 * (-2 * log(u)).squareRoot()
            demand.append(PlanePoint(x: min(max(c.x + r * cos(2 * .pi * v), -half), half),
                                     y: min(max(c.y + r * sin(2 * .pi * v), -half), half)))
        }
        let candidates = (0..<candidateSites).map { _ in uniform(&rng) }
        return SitingProblem(demand: demand, candidates: candidates, radius: radius, k: k)
    }
}
