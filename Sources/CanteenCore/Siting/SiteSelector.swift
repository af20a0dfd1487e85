import TownshipRandom

/// Solves a `SitingProblem`: a lazy greedy start (CELF), best-improvement 1-swaps to a local
/// optimum, then rounds of perturbation — drop a cluster of nearby chosen sites, refill
/// greedily without them, swap again — keeping the best. Greedy alone guarantees 1 − 1/e of
/// the optimum; swaps and perturbations only ever keep a better or equal solution.
public enum SiteSelector {
    public static func solve(_ problem: SitingProblem, options: SitingOptions = .standard) throws(SitingError) -> SitingResult {
        try problem.validate()
        let graph = try CoverageGraph(problem: problem, maximumEntries: options.maximumCoverageEntries)
        var search = SwapSearch(graph: graph, k: problem.k)
        search.greedyFill(excluding: [])
        let greedy = search.covered
        search.localSearch(scope: nil, maximumSwaps: options.maximumSwapsPerSearch)
        let firstOptimum = search.covered

        var best = search.selection
        var bestCovered = search.covered
        var rng = SplitMix64(seed: options.seed)
        if problem.k > 0 && problem.k < graph.candidateCount {
            for _ in 0..<max(0, options.perturbationRounds) {
                // Cluster sizes vary from round to round (diversity), and never exceed half
                // the chosen sites, so that a perturbation never throws the solution away whole.
                let largest = max(1, min(options.clusterSize, problem.k / 2))
                let size = Int.random(in: min(2, largest)...largest, using: &rng)
                let dropped = search.dropCluster(size: size, candidates: problem.candidates,
                                                 using: &rng)
                let freed = search.neighbourhood(of: dropped)
                let before = Set(search.selection)
                search.greedyFill(excluding: Set(dropped), scope: freed)
                let added = search.selection.filter { !before.contains($0) }
                search.localSearch(scope: search.neighbourhood(of: dropped + added), maximumSwaps: options.maximumSwapsPerSearch)
                if search.covered >= bestCovered {
                    best = search.selection
                    bestCovered = search.covered
                } else {
                    search.reset(to: best)
                }
            }
            // The perturbations searched locally: end at a true 1-swap local optimum.
            search.reset(to: best)
            search.localSearch(scope: nil, maximumSwaps: options.maximumSwapsPerSearch)
            best = search.selection
        }
        search.reset(to: best)
        return SitingResult(
            totalDemand: graph.totalDemand,
            coveredBefore: graph.coveredByExisting,
            coveredAfter: graph.coveredByExisting + search.covered,
            proposed: search.attribution(),
            greedyCovered: graph.coveredByExisting + greedy,
            firstLocalOptimumCovered: graph.coveredByExisting + firstOptimum,
            swapsApplied: search.swapsApplied)
    }
}
