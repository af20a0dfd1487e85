/// A maximal covering location problem: choose `k` of `candidates` so that, together with the
/// `existing` canteens (fixed), the most demand lies within `radius` of a chosen or existing
/// site. Demand points carry integer weights (1 per elder by default).
public struct SitingProblem: Sendable {
    public var demand: [PlanePoint]
    /// nil: every point weighs 1.
    public var weights: [Int]?
    public var candidates: [PlanePoint]
    public var existing: [PlanePoint]
    /// Straight-line covering radius in metres (`WalkingReach.straightLineMetres`).
    public var radius: Double
    public var k: Int

    public init(demand: [PlanePoint], weights: [Int]? = nil, candidates: [PlanePoint], existing: [PlanePoint] = [],
                radius: Double, k: Int) {
        self.demand = demand
        self.weights = weights
        self.candidates = candidates
        self.existing = existing
        self.radius = radius
        self.k = k
    }

    func validate() throws(SitingError) {
        if k < 0 { throw .negativeK(k) }
        if k > candidates.count { throw .kExceedsCandidates(k: k, candidates: candidates.count) }
        if demand.count >= Int(Int32.max) { throw .tooManyPoints(field: "demand", count: demand.count) }
        if candidates.count >= Int(Int32.max) { throw .tooManyPoints(field: "candidates", count: candidates.count) }
        if !(radius > 0 && radius.isFinite) { throw .invalidRadius(radius) }
        for (name, points) in [("demand", demand), ("candidates", candidates), ("existing", existing)] {
            if let i = points.firstIndex(where: { !$0.isUsable }) {
                throw .invalidCoordinate(field: name, index: i)
            }
        }
        if let weights {
            if weights.count != demand.count { throw .weightsCount(weights.count, demand: demand.count) }
            if let i = weights.firstIndex(where: { $0 < 0 }) { throw .negativeWeight(index: i) }
            // The sums below are Int; a total this large would overflow them.
            if weights.contains(where: { $0 > Int(Int32.max) }) { throw .weightTooLarge }
        }
    }
}

/// Tuning of the search. With the defaults the search found the exact optimum on every
/// cross-check instance and, at 10,000 × 2,000 with k = 50, gains over greedy + 1-swaps in
/// about the 50 ms goal (Benchmarks/results/canteen-siting-*.txt has the trade-off table).
public struct SitingOptions: Hashable, Sendable, Codable {
    /// Rounds of perturbation (drop a cluster of chosen sites, refill greedily, swap again)
    /// after the first local optimum; 0 gives plain greedy + best-improvement swaps.
    public var perturbationRounds: Int
    /// At most this many improving swaps per local search: a guard, searches end long before.
    public var maximumSwapsPerSearch: Int
    /// Seed of the perturbations: the same problem and options give the same answer.
    public var seed: UInt64
    /// Most chosen sites dropped together in one perturbation (a random one and its nearest
    /// chosen neighbours; each round draws a size from 2 up to this, and at most k/2).
    public var clusterSize: Int
    /// Most (candidate, covered demand point) pairs the search may hold: 4 bytes each, twice
    /// (the adjacency and its transpose). A request beyond it is refused before the memory is
    /// taken (10,000 × 2,000 at 300 m needs about 0.4 million).
    public var maximumCoverageEntries: Int

    public static let standard = SitingOptions(perturbationRounds: 32, maximumSwapsPerSearch: 500, seed: 0x5EED, clusterSize: 6,
                                               maximumCoverageEntries: 50_000_000)

    public init(perturbationRounds: Int, maximumSwapsPerSearch: Int, seed: UInt64, clusterSize: Int = 6,
                maximumCoverageEntries: Int = 50_000_000) {
        self.perturbationRounds = perturbationRounds
        self.maximumSwapsPerSearch = maximumSwapsPerSearch
        self.seed = seed
        self.clusterSize = max(1, clusterSize)
        self.maximumCoverageEntries = min(max(0, maximumCoverageEntries), Int(Int32.max))
    }
}

public enum SitingError: Error, Equatable, Sendable, CustomStringConvertible {
    case negativeK(Int)
    case kExceedsCandidates(k: Int, candidates: Int)
    case invalidRadius(Double)
    case invalidCoordinate(field: String, index: Int)
    case weightsCount(Int, demand: Int)
    case negativeWeight(index: Int)
    case weightTooLarge
    case tooManyPoints(field: String, count: Int)
    case tooMuchCoverage(limit: Int)

    public var description: String {
        switch self {
        case .negativeK(let k): return "k: \(k) is negative"
        case .kExceedsCandidates(let k, let candidates):
            return "k: \(k) is larger than the number of candidate sites (\(candidates))"
        case .invalidRadius(let r): return "radius: \(r) must be a positive number of metres"
        case .invalidCoordinate(let field, let index): return "\(field)[\(index)]: coordinate is not a finite number within \(PlanePoint.maximumMagnitude) m"
        case .weightsCount(let n, let demand): return "weights: \(n) weights for \(demand) demand points"
        case .negativeWeight(let index): return "weights[\(index)]: negative"
        case .weightTooLarge: return "weights: a weight exceeds \(Int32.max)"
        case .tooManyPoints(let field, let count): return "\(field): \(count) points, at most \(Int32.max)"
        case .tooMuchCoverage(let limit):
            return "radius: the candidates would cover more than \(limit) (candidate, demand point) pairs; use a smaller radius or fewer points"
        }
    }
}

/// One proposed site and what it brings.
public struct ProposedSite: Hashable, Sendable {
    /// Index into `SitingProblem.candidates`.
    public let candidate: Int
    /// Demand weight this site adds to the existing canteens and the sites listed before it
    /// (the list is in the order of largest addition first, so the additions sum to the gain).
    public let adds: Int
    /// Demand weight no other chosen or existing site covers: lost if this site were dropped.
    public let coversAlone: Int
}

public struct SitingResult: Sendable {
    public let totalDemand: Int
    /// Covered by the existing canteens alone.
    public let coveredBefore: Int
    /// Covered by existing and proposed together.
    public let coveredAfter: Int
    public let proposed: [ProposedSite]
    /// What the greedy start alone reached, and the first local optimum after it (for reports
    /// and benchmarks).
    public let greedyCovered: Int
    public let firstLocalOptimumCovered: Int
    public let swapsApplied: Int
}
