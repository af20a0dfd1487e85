/// Solves a `SitingProblem`: a lazy greedy start (CELF), best-improvement 1-swaps to a local
/// optimum, then rounds of perturbation — drop a cluster of nearby chosen sites, refill
/// greedily without them, swap again — keeping the best. Greedy alone guarantees 1 − 1/e of
/// the optimum; swaps and perturbations only ever keep a better or equal solution.
public enum SiteSelector {
    public static func solve(_ problem: SitingProblem, options: SitingOptions = .standard) throws(SitingError) -> SitingResult {
        try problem.validate()
        let graph = CoverageGraph(problem: problem)
        var search = SwapSearch(graph: graph, k: problem.k)
        search.greedyFill(excluding: [])
        let greedy = search.covered
        search.localSearch(maximumSwaps: options.maximumSwapsPerSearch)
        let firstOptimum = search.covered

        var best = search.selection
        var bestCovered = search.covered
        var rng = SplitMix64(seed: options.seed)
        if problem.k > 0 && problem.k < graph.candidateCount {
            for _ in 0..<max(0, options.perturbationRounds) {
                let dropped = search.dropCluster(size: min(problem.k, max(2, problem.k / 8)), candidates: problem.candidates,
                                                 using: &rng)
                search.greedyFill(excluding: Set(dropped))
                search.localSearch(maximumSwaps: options.maximumSwapsPerSearch)
                if search.covered >= bestCovered {
                    best = search.selection
                    bestCovered = search.covered
                } else {
                    search.reset(to: best)
                }
            }
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
