/// A many-to-one matching instance in flat arrays, indices as Int32.
///
/// Seekers are 0..<seekerCount, positions 0..<capacities.count. Seeker `s`'s choices, most
/// wanted first, are `choicePositions[choiceOffsets[s]..<choiceOffsets[s+1]]` (one "edge" per
/// choice). `edgeRanks[e]` is how the position of edge `e` ranks that seeker: lower is
/// better, `notRanked` if it will not take them. Equal ranks at one position are broken by
/// seeker index, lower first: build seekers in id order and that is "seeker id ascending".
public struct MatchingProblem: Sendable {
    public static let notRanked = UInt32.max

    public let seekerCount: Int
    public let capacities: [Int32]
    public let choiceOffsets: [Int32]
    public let choicePositions: [Int32]
    public let edgeRanks: [UInt32]

    public var positionCount: Int { capacities.count }
    public var edgeCount: Int { choicePositions.count }

    /// Checks the shape (offsets, indices in range, no negative capacity) so that the matcher
    /// can index without bounds surprises.
    public init(capacities: [Int32], choiceOffsets: [Int32], choicePositions: [Int32], edgeRanks: [UInt32]) throws(ValidationError) {
        guard let first = choiceOffsets.first, first == 0 else {
            throw ValidationError(field: "choiceOffsets", message: "must start at 0")
        }
        guard choiceOffsets.count - 1 < Int(Int32.max), choicePositions.count < Int(Int32.max) else {
            throw ValidationError(field: "choicePositions", message: "more than \(Int32.max) seekers or choices")
        }
        guard Int(choiceOffsets.last!) == choicePositions.count, edgeRanks.count == choicePositions.count else {
            throw ValidationError(field: "choiceOffsets", message: "must end at the number of choices (\(choicePositions.count)), with one rank per choice")
        }
        for index in 1..<choiceOffsets.count where choiceOffsets[index] < choiceOffsets[index - 1] {
            throw ValidationError(field: "choiceOffsets[\(index)]", message: "offsets must not decrease")
        }
        let positionCount = Int32(truncatingIfNeeded: capacities.count)
        guard capacities.count < Int(Int32.max) else { throw ValidationError(field: "capacities", message: "too many positions") }
        for (index, position) in choicePositions.enumerated() where position < 0 || position >= positionCount {
            throw ValidationError(field: "choicePositions[\(index)]", message: "no position \(position)")
        }
        for (index, capacity) in capacities.enumerated() where capacity < 0 {
            throw ValidationError(field: "capacities[\(index)]", message: "must not be negative")
        }
        self.seekerCount = choiceOffsets.count - 1
        self.capacities = capacities
        self.choiceOffsets = choiceOffsets
        self.choicePositions = choicePositions
        self.edgeRanks = edgeRanks
    }

    /// From integer fit scores per edge (higher is better, negative = not ranked): the ranks
    /// are `UInt32.max - 1 - score`, so equal scores tie and fall to seeker index.
    public init(capacities: [Int32], choiceOffsets: [Int32], choicePositions: [Int32], edgeScores: [Int32]) throws(ValidationError) {
        let ranks = edgeScores.map { score -> UInt32 in
            score < 0 ? MatchingProblem.notRanked : UInt32(MatchingProblem.notRanked - 1) - UInt32(score)
        }
        try self.init(capacities: capacities, choiceOffsets: choiceOffsets, choicePositions: choicePositions, edgeRanks: ranks)
    }
}
