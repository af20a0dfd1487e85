import JobFairCore

/// A matching instance by ids only, as the independent checks read it (and as the Python
/// cross-check receives it): each seeker's list, each position's ranking and headcount.
struct PlainInstance: Codable {
    var seekers: [String: [Int]]
    var positions: [String: PlainPosition]

    struct PlainPosition: Codable {
        var capacity: Int
        var ranking: [Int]
    }

    init(seekers: [String: [Int]], positions: [String: PlainPosition]) {
        self.seekers = seekers
        self.positions = positions
    }

    /// Read from the ranker's output (its rankings are the matcher's input, not its result).
    init(_ ranked: RankedFair) {
        seekers = [:]
        for seeker in ranked.instance.seekers { seekers[String(seeker.id)] = seeker.choices }
        positions = [:]
        for (index, position) in ranked.instance.positions.enumerated() {
            positions[String(position.id)] = PlainPosition(
                capacity: position.headcount,
                ranking: ranked.rankedSeekers(ofPosition: index).map { ranked.seekerIDs[Int($0)] })
        }
    }
}
