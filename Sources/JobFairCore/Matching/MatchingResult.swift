/// The final state of deferred acceptance: who holds which place, and each position's
/// admitted applicants (as order keys: rank << 32 | seeker index; the worst first).
public struct MatchingResult: Sendable {
    public static let unmatched: Int32 = -1

    /// Per seeker: the position index, or `unmatched`.
    public let positionOfSeeker: [Int32]
    /// Per seeker: the edge index of the choice that holds, or the end of their choices.
    public let heldEdgeOfSeeker: [Int32]
    /// Per position: its admitted keys live in `admittedKeys[admittedOffsets[p]..<admittedOffsets[p] + admittedCounts[p]]`,
    /// a max-heap (the worst admitted first).
    public let admittedOffsets: [Int32]
    public let admittedCounts: [Int32]
    public let admittedKeys: [UInt64]
    /// Proposals made in total (a measure of the work done).
    public let proposals: Int

    public var matchedCount: Int { positionOfSeeker.reduce(0) { $0 + ($1 == Self.unmatched ? 0 : 1) } }

    /// The seekers a position admitted, in no particular order.
    public func admittedSeekers(ofPosition position: Int) -> [Int32] {
        let start = Int(admittedOffsets[position])
        return (start..<start + Int(admittedCounts[position])).map { Int32(truncatingIfNeeded: admittedKeys[$0] & 0xFFFF_FFFF) }
    }

    /// The order key of the worst applicant a position admitted, nil if it admitted nobody.
    public func worstAdmittedKey(ofPosition position: Int) -> UInt64? {
        admittedCounts[position] == 0 ? nil : admittedKeys[Int(admittedOffsets[position])]
    }

    /// The key the matcher compares: the position's rank of the seeker, then the seeker index.
    @inline(__always)
    public static func orderKey(rank: UInt32, seeker: Int32) -> UInt64 {
        UInt64(rank) << 32 | UInt64(UInt32(bitPattern: seeker))
    }
}
