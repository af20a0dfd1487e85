/// An elder as coverage sees them: who, which community, where.
public struct ElderLocation: Hashable, Sendable {
    public let elderID: String
    public let community: String
    public let position: PlanePoint
    public init(elderID: String, community: String, position: PlanePoint) {
        self.elderID = elderID
        self.community = community
        self.position = position
    }
}

/// Covered elders out of all, with the share as a fraction (for display only: the counts are
/// the figures).
public struct CoverageFigure: Hashable, Sendable {
    public let covered: Int
    public let total: Int
    public var share: Double { total == 0 ? 1 : Double(covered) / Double(total) }
}

/// The 15-minute meal circle: which elders are within reach of an operating canteen.
public struct CoverageReport: Sendable {
    public let overall: CoverageFigure
    /// Keyed by community.
    public let byCommunity: [String: CoverageFigure]
    /// Elder IDs out of reach of every operating canteen, in input order.
    public let uncoveredElderIDs: [String]
    /// Per elder in input order: within reach or not.
    public let coveredMask: [Bool]

    /// `canteens` are the operating ones only (building ones do not feed anyone yet).
    public static func compute(elders: [ElderLocation], operatingCanteens: [PlanePoint],
                               reach: WalkingReach) throws(CoverageError) -> CoverageReport {
        let reach = try reach.validated()
        for (i, e) in elders.enumerated() where !e.position.isUsable {
            throw .invalidCoordinate(field: "elders", index: i)
        }
        for (i, c) in operatingCanteens.enumerated() where !c.isUsable {
            throw .invalidCoordinate(field: "canteens", index: i)
        }
        let radius = reach.straightLineMetres
        let index = GridIndex(points: elders.map(\.position), cellSize: radius)
        var covered = [Bool](repeating: false, count: elders.count)
        for canteen in operatingCanteens {
            index.forEach(within: radius, of: canteen) { covered[$0] = true }
        }
        var perCommunity: [String: (covered: Int, total: Int)] = [:]
        var uncovered: [String] = []
        for (i, elder) in elders.enumerated() {
            perCommunity[elder.community, default: (0, 0)].total += 1
            if covered[i] { perCommunity[elder.community, default: (0, 0)].covered += 1 } else { uncovered.append(elder.elderID) }
        }
        return CoverageReport(
            overall: CoverageFigure(covered: elders.count - uncovered.count, total: elders.count),
            byCommunity: perCommunity.mapValues { CoverageFigure(covered: $0.covered, total: $0.total) },
            uncoveredElderIDs: uncovered,
            coveredMask: covered)
    }
}
