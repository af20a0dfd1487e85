/// Seeker-proposing deferred acceptance (Gale–Shapley), many-to-one with capacities: the
/// seeker-optimal stable matching, which is unique, so any proposal order gives it.
///
/// Layout for speed: every array is flat and allocated once before the loop. Each position
/// keeps its admitted applicants in a max-heap of order keys (rank << 32 | seeker) within one
/// shared array, sized min(capacity, applicants): a proposal compares with the heap's top
/// (the worst admitted) in O(1) and displaces it in O(log capacity). A displaced seeker goes
/// on proposing at once from their next choice, so no queue grows.
public enum DeferredAcceptance {
    public static func match(_ problem: MatchingProblem) -> MatchingResult {
        let seekerCount = problem.seekerCount
        let positionCount = problem.positionCount

        var applicants = [Int32](repeating: 0, count: positionCount)
        for position in problem.choicePositions { applicants[Int(position)] &+= 1 }
        var heapOffsets = [Int32](repeating: 0, count: positionCount + 1)
        for position in 0..<positionCount {
            heapOffsets[position + 1] = heapOffsets[position] + min(problem.capacities[position], applicants[position])
        }
        var heapKeys = [UInt64](repeating: 0, count: Int(heapOffsets[positionCount]))
        // Per position: heap base, slots and count side by side, so a proposal reads one
        // cache line of bookkeeping instead of three arrays.
        var slotTable = [PositionSlots](repeating: PositionSlots(base: 0, slots: 0, count: 0), count: positionCount)
        for position in 0..<positionCount {
            slotTable[position] = PositionSlots(base: heapOffsets[position], slots: heapOffsets[position + 1] - heapOffsets[position], count: 0)
        }
        // Per seeker: the next choice to propose to and the end of their choices, side by
        // side, so a displaced seeker costs one cache miss to resume.
        var cursors = [SeekerCursor](repeating: SeekerCursor(next: 0, end: 0), count: seekerCount)
        for seeker in 0..<seekerCount {
            cursors[seeker] = SeekerCursor(next: problem.choiceOffsets[seeker], end: problem.choiceOffsets[seeker + 1])
        }
        var proposals = 0

        heapKeys.withUnsafeMutableBufferPointer { heap in
        slotTable.withUnsafeMutableBufferPointer { table in
        cursors.withUnsafeMutableBufferPointer { cursor in
        problem.choicePositions.withUnsafeBufferPointer { choicePositions in
        problem.edgeRanks.withUnsafeBufferPointer { ranks in
            for first in 0..<Int32(truncatingIfNeeded: seekerCount) {
                var seeker = first
                var edge = Int(cursor[Int(seeker)].next)
                var end = Int(cursor[Int(seeker)].end)
                while edge < end {
                    let position = Int(choicePositions[edge])
                    let rank = ranks[edge]
                    edge += 1
                    if rank == MatchingProblem.notRanked { continue }
                    proposals += 1
                    let key = MatchingResult.orderKey(rank: rank, seeker: seeker)
                    let slots = table[position]
                    let base = Int(slots.base)
                    let count = Int(slots.count)
                    if count < Int(slots.slots) {
                        siftUp(heap, base: base, index: count, key: key)
                        table[position].count = Int32(count + 1)
                        cursor[Int(seeker)].next = Int32(edge)
                        break
                    }
                    if count == 0 || key >= heap[base] { continue }
                    // Displace the worst admitted; they propose on from where they stopped.
                    let displaced = Int32(truncatingIfNeeded: heap[base] & 0xFFFF_FFFF)
                    siftDown(heap, base: base, count: count, key: key)
                    cursor[Int(seeker)].next = Int32(edge)
                    seeker = displaced
                    edge = Int(cursor[Int(seeker)].next)
                    end = Int(cursor[Int(seeker)].end)
                }
                if edge >= end { cursor[Int(seeker)].next = Int32(end) }
            }
        }}}}}
        let heapCounts = slotTable.map(\.count)

        // Who holds which place, read from the final heaps.
        var positionOfSeeker = [Int32](repeating: MatchingResult.unmatched, count: seekerCount)
        var heldEdgeOfSeeker = cursors.map(\.next)
        for position in 0..<positionCount {
            let base = Int(heapOffsets[position])
            for slot in base..<base + Int(heapCounts[position]) {
                let seeker = Int(heapKeys[slot] & 0xFFFF_FFFF)
                positionOfSeeker[seeker] = Int32(position)
                heldEdgeOfSeeker[seeker] -= 1
            }
        }

        return MatchingResult(
            positionOfSeeker: positionOfSeeker,
            heldEdgeOfSeeker: heldEdgeOfSeeker,
            admittedOffsets: heapOffsets,
            admittedCounts: heapCounts,
            admittedKeys: heapKeys,
            proposals: proposals
        )
    }

    struct SeekerCursor {
        var next: Int32
        var end: Int32
    }

    struct PositionSlots {
        var base: Int32
        var slots: Int32
        var count: Int32
    }

    /// Inserts `key` at `index` (the heap's current size) of the max-heap at `base`.
    @inline(__always)
    private static func siftUp(_ heap: UnsafeMutableBufferPointer<UInt64>, base: Int, index: Int, key: UInt64) {
        var child = index
        while child > 0 {
            let parent = (child - 1) >> 1
            let parentKey = heap[base + parent]
            if parentKey >= key { break }
            heap[base + child] = parentKey
            child = parent
        }
        heap[base + child] = key
    }

    /// Replaces the top of the full max-heap at `base` (of `count` keys) with `key`.
    @inline(__always)
    private static func siftDown(_ heap: UnsafeMutableBufferPointer<UInt64>, base: Int, count: Int, key: UInt64) {
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && heap[base + child + 1] > heap[base + child] { child += 1 }
            let childKey = heap[base + child]
            if childKey <= key { break }
            heap[base + parent] = childKey
            parent = child
        }
        heap[base + parent] = key
    }
}
