import TownshipRandom

/// The mutable state of the siting search: the chosen sites (in k slots) and, per uncovered
/// demand point, how many chosen sites cover it and the sum of their slot numbers — when
/// exactly one covers it, that sum *is* its slot, which makes swap gains one pass over the
/// adjacency.
struct SwapSearch {
    let graph: CoverageGraph
    let k: Int
    /// Candidate in each slot, or -1 for an empty slot.
    private(set) var selection: [Int]
    private var slotOf: [Int32]
    private var coverCount: [Int32]
    private var coverSum: [Int32]
    /// Weight of the points that at least one chosen site covers.
    private(set) var covered = 0
    private(set) var swapsApplied = 0
    /// Per candidate, the number of the last `neighbourhood(of:)` call that listed it.
    private var stamp: [Int32]
    private var epoch: Int32 = 0

    init(graph: CoverageGraph, k: Int) {
        self.graph = graph
        self.k = k
        selection = [Int](repeating: -1, count: k)
        slotOf = [Int32](repeating: -1, count: graph.candidateCount)
        coverCount = [Int32](repeating: 0, count: graph.pointCount)
        coverSum = [Int32](repeating: 0, count: graph.pointCount)
        stamp = [Int32](repeating: 0, count: graph.candidateCount)
    }

    /// Every candidate that shares a demand point with one of `sites` (the sites included):
    /// the only candidates whose gains a move of those sites changes.
    mutating func neighbourhood(of sites: [Int]) -> [Int] {
        epoch &+= 1
        var out: [Int] = []
        for c in sites where c >= 0 {
            if stamp[c] != epoch {
                stamp[c] = epoch
                out.append(c)
            }
            for e in graph.neighbours(of: c) {
                let p = Int(graph.points[e])
                for f in Int(graph.pointStart[p])..<Int(graph.pointStart[p + 1]) {
                    let q = Int(graph.pointCandidates[f])
                    if stamp[q] != epoch {
                        stamp[q] = epoch
                        out.append(q)
                    }
                }
            }
        }
        return out
    }

    // MARK: - Moves

    private mutating func place(_ c: Int, in slot: Int) {
        selection[slot] = c
        slotOf[c] = Int32(slot)
        for e in graph.neighbours(of: c) {
            let p = Int(graph.points[e])
            if coverCount[p] == 0 { covered += Int(graph.weights[p]) }
            coverCount[p] += 1
            coverSum[p] += Int32(slot)
        }
    }

    private mutating func clear(slot: Int) {
        let c = selection[slot]
        guard c >= 0 else { return }
        for e in graph.neighbours(of: c) {
            let p = Int(graph.points[e])
            coverCount[p] -= 1
            coverSum[p] -= Int32(slot)
            if coverCount[p] == 0 { covered -= Int(graph.weights[p]) }
        }
        slotOf[c] = -1
        selection[slot] = -1
    }

    /// Weight that `c` would add to the current selection.
    private func gain(of c: Int) -> Int {
        var g = 0
        for e in graph.neighbours(of: c) {
            let p = Int(graph.points[e])
            if coverCount[p] == 0 { g += Int(graph.weights[p]) }
        }
        return g
    }

    mutating func reset(to chosen: [Int]) {
        for slot in 0..<k { clear(slot: slot) }
        for (slot, c) in chosen.enumerated() where c >= 0 { place(c, in: slot) }
    }

    // MARK: - Greedy

    /// Fills the empty slots greedily (lazy gains: a candidate's gain only shrinks as sites are
    /// added, so a popped candidate whose refreshed gain still tops the heap is the best),
    /// from `scope` (nil: every candidate), skipping `excluded`. If those run out, every other
    /// candidate is considered, `excluded` last.
    mutating func greedyFill(excluding excluded: Set<Int>, scope: [Int]? = nil) {
        var free = (0..<k).filter { selection[$0] < 0 }
        guard !free.isEmpty else { return }
        func fill(from pool: [Int], _ search: inout SwapSearch) {
            var heap = GainHeap()
            heap.reserve(pool.count)
            for c in pool where search.slotOf[c] < 0 && !excluded.contains(c) {
                heap.push(gain: search.gain(of: c), candidate: c)
            }
            while !free.isEmpty, let top = heap.pop() {
                let fresh = search.gain(of: top.candidate)
                if fresh < top.gain, let next = heap.peekGain, fresh < next {
                    heap.push(gain: fresh, candidate: top.candidate)
                    continue
                }
                search.place(top.candidate, in: free.removeLast())
            }
        }
        fill(from: scope ?? Array(0..<graph.candidateCount), &self)
        if !free.isEmpty && scope != nil { fill(from: Array(0..<graph.candidateCount), &self) }
        for c in excluded.sorted() where !free.isEmpty && slotOf[c] < 0 {
            place(c, in: free.removeLast())
        }
    }

    // MARK: - Local search

    /// What each slot alone covers (lost if it were emptied), and the slot losing least.
    private func losses(into loss: inout [Int]) -> (minimum: Int, slot: Int) {
        for s in 0..<k {
            loss[s] = 0
            guard selection[s] >= 0 else { continue }
            for e in graph.neighbours(of: selection[s]) {
                let p = Int(graph.points[e])
                if coverCount[p] == 1 { loss[s] += Int(graph.weights[p]) }
            }
        }
        var minimum = Int.max, slot = 0
        for s in 0..<k where loss[s] < minimum {
            minimum = loss[s]
            slot = s
        }
        return (minimum, slot)
    }

    /// The best swap bringing in candidate c: (change in coverage, slot to replace). The change
    /// for slot s is gain(c) − loss(s) + overlap(c, s), overlap being what c covers of what
    /// only s covers.
    private func bestSwap(for c: Int, loss: [Int], minimum: (minimum: Int, slot: Int),
                          overlap: inout [Int], touched: inout [Int]) -> (delta: Int, slot: Int) {
        var g = 0
        for e in graph.neighbours(of: c) {
            let p = Int(graph.points[e])
            let n = coverCount[p]
            if n == 0 {
                g += Int(graph.weights[p])
            } else if n == 1 {
                let s = Int(coverSum[p])
                if overlap[s] == 0 { touched.append(s) }
                overlap[s] += Int(graph.weights[p])
            }
        }
        var best = (delta: g - minimum.minimum, slot: minimum.slot)
        for s in touched {
            let delta = g - loss[s] + overlap[s]
            if delta > best.delta { best = (delta, s) }
            overlap[s] = 0
        }
        touched.removeAll(keepingCapacity: true)
        return best
    }

    /// First-improvement 1-swaps over a queue of candidates: an improving swap is made at once
    /// and the candidates sharing points with the two sites it moved are queued again. With
    /// `scope` nil the queue starts with every candidate and the search ends only after a
    /// sweep over all of them finds no improving swap (a true 1-swap local optimum); with a
    /// scope (after a perturbation) it stays within it and what the swaps touch.
    mutating func localSearch(scope: [Int]?, maximumSwaps: Int) {
        guard k > 0, k < graph.candidateCount else { return }
        var loss = [Int](repeating: 0, count: k)
        var overlap = [Int](repeating: 0, count: k)
        var touched: [Int] = []
        touched.reserveCapacity(k)
        var minimum = losses(into: &loss)
        var queued = [Bool](repeating: false, count: graph.candidateCount)
        var queue = scope ?? Array(0..<graph.candidateCount)
        for c in queue { queued[c] = true }
        var head = 0
        var swaps = 0
        while swaps < maximumSwaps {
            var swappedThisSweep = false
            while head < queue.count && swaps < maximumSwaps {
                let c = queue[head]
                head += 1
                queued[c] = false
                guard slotOf[c] < 0 else { continue }
                let best = bestSwap(for: c, loss: loss, minimum: minimum, overlap: &overlap, touched: &touched)
                guard best.delta > 0 else { continue }
                let old = selection[best.slot]
                clear(slot: best.slot)
                place(c, in: best.slot)
                swaps += 1
                swapsApplied += 1
                swappedThisSweep = true
                minimum = losses(into: &loss)
                for q in neighbourhood(of: [old, c]) where !queued[q] {
                    queued[q] = true
                    queue.append(q)
                }
                if head > 4096 && head * 2 > queue.count {
                    queue.removeFirst(head)
                    head = 0
                }
            }
            guard scope == nil, swappedThisSweep else { return }
            queue = Array(0..<graph.candidateCount)
            for c in queue { queued[c] = true }
            head = 0
        }
    }

    // MARK: - Perturbation

    /// Empties the slots of a random chosen site and its nearest chosen neighbours (`size` in
    /// all) and returns their candidates, so that the refill looks for another arrangement of
    /// that neighbourhood.
    mutating func dropCluster(size: Int, candidates: [PlanePoint], using rng: inout SplitMix64) -> [Int] {
        let filled = (0..<k).filter { selection[$0] >= 0 }
        guard let seedSlot = filled.randomElement(using: &rng) else { return [] }
        let centre = candidates[selection[seedSlot]]
        let nearest = filled.sorted {
            candidates[selection[$0]].squaredDistance(to: centre) < candidates[selection[$1]].squaredDistance(to: centre)
        }.prefix(size)
        var dropped: [Int] = []
        for slot in nearest {
            dropped.append(selection[slot])
            clear(slot: slot)
        }
        return dropped
    }

    // MARK: - Report

    /// The chosen sites, largest addition first, each with what it adds to those before it and
    /// what it alone covers.
    func attribution() -> [ProposedSite] {
        var state = SwapSearch(graph: graph, k: k)
        var remaining = selection.filter { $0 >= 0 }
        var out: [ProposedSite] = []
        var slot = 0
        while !remaining.isEmpty {
            var bestIndex = 0, bestGain = -1
            for (i, c) in remaining.enumerated() {
                let g = state.gain(of: c)
                if g > bestGain || (g == bestGain && c < remaining[bestIndex]) {
                    bestGain = g
                    bestIndex = i
                }
            }
            let c = remaining.remove(at: bestIndex)
            state.place(c, in: slot)
            slot += 1
            out.append(ProposedSite(candidate: c, adds: bestGain, coversAlone: 0))
        }
        return out.map { site in
            var alone = 0
            for e in graph.neighbours(of: site.candidate) {
                let p = Int(graph.points[e])
                if state.coverCount[p] == 1 { alone += Int(graph.weights[p]) }
            }
            return ProposedSite(candidate: site.candidate, adds: site.adds, coversAlone: alone)
        }
    }
}

/// A binary max-heap of (gain, candidate), ties broken towards the lower candidate number so
/// that results do not depend on insertion order.
struct GainHeap {
    private var gains: [Int] = []
    private var candidates: [Int] = []

    mutating func reserve(_ n: Int) {
        gains.reserveCapacity(n)
        candidates.reserveCapacity(n)
    }

    @inline(__always)
    private func above(_ i: Int, _ j: Int) -> Bool {
        gains[i] > gains[j] || (gains[i] == gains[j] && candidates[i] < candidates[j])
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        gains.swapAt(i, j)
        candidates.swapAt(i, j)
    }

    var peekGain: Int? { gains.first }

    mutating func push(gain: Int, candidate: Int) {
        gains.append(gain)
        candidates.append(candidate)
        var i = gains.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard above(i, parent) else { break }
            swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (gain: Int, candidate: Int)? {
        guard !gains.isEmpty else { return nil }
        let top = (gains[0], candidates[0])
        let last = gains.count - 1
        swapAt(0, last)
        gains.removeLast()
        candidates.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < gains.count && above(l, m) { m = l }
            if r < gains.count && above(r, m) { m = r }
            if m == i { break }
            swapAt(i, m)
            i = m
        }
        return top
    }
}
