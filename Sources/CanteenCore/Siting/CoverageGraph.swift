/// Which demand each candidate covers, restricted to the demand that the existing canteens
/// leave uncovered, as CSR adjacency: the points of candidate c are
/// `points[start[c] ..< start[c + 1]]`, numbered 0 ..< `weights.count` among the uncovered.
struct CoverageGraph {
    let start: [Int32]
    let points: [Int32]
    /// Weight of each uncovered demand point (compact numbering).
    let weights: [Int32]
    let totalDemand: Int
    let coveredByExisting: Int
    /// The transpose: candidates covering point p are
    /// `pointCandidates[pointStart[p] ..< pointStart[p + 1]]`.
    let pointStart: [Int32]
    let pointCandidates: [Int32]

    var candidateCount: Int { start.count - 1 }
    var pointCount: Int { weights.count }

    init(problem: SitingProblem, maximumEntries: Int) throws(SitingError) {
        let index = GridIndex(points: problem.demand, cellSize: problem.radius)
        let weightOf: (Int) -> Int = { i in problem.weights?[i] ?? 1 }
        var fixed = [Bool](repeating: false, count: problem.demand.count)
        for site in problem.existing {
            index.forEach(within: problem.radius, of: site) { fixed[$0] = true }
        }
        var compact = [Int32](repeating: -1, count: problem.demand.count)
        var weights: [Int32] = []
        var total = 0, before = 0
        for i in 0..<problem.demand.count {
            let w = weightOf(i)
            total += w
            if fixed[i] { before += w; continue }
            // Weightless points cannot change any gain: leave them out of the graph.
            if w == 0 { continue }
            compact[i] = Int32(weights.count)
            weights.append(Int32(w))
        }
        var start = [Int32](repeating: 0, count: problem.candidates.count + 1)
        var points: [Int32] = []
        points.reserveCapacity(problem.candidates.count * 16)
        for (c, site) in problem.candidates.enumerated() {
            index.forEach(within: problem.radius, of: site) { i in
                let p = compact[i]
                if p >= 0 { points.append(p) }
            }
            if points.count > maximumEntries { throw .tooMuchCoverage(limit: maximumEntries) }
            start[c + 1] = Int32(points.count)
        }
        var pointStart = [Int32](repeating: 0, count: weights.count + 1)
        for p in points { pointStart[Int(p) + 1] += 1 }
        for p in 0..<weights.count { pointStart[p + 1] += pointStart[p] }
        var fill = pointStart
        var pointCandidates = [Int32](repeating: 0, count: points.count)
        for c in 0..<problem.candidates.count {
            for e in Int(start[c])..<Int(start[c + 1]) {
                let p = Int(points[e])
                pointCandidates[Int(fill[p])] = Int32(c)
                fill[p] += 1
            }
        }
        self.pointStart = pointStart
        self.pointCandidates = pointCandidates
        self.start = start
        self.points = points
        self.weights = weights
        self.totalDemand = total
        self.coveredByExisting = before
    }

    @inline(__always)
    func neighbours(of c: Int) -> Range<Int> { Int(start[c])..<Int(start[c + 1]) }
}
