import Foundation
import TownshipRandom

/// A synthetic district at the seed's scale (菱北, about 15 km², 150,000 people): 13
/// communities, 12,568 elders (6,452 aged 60–69, 4,291 aged 70–79, 1,825 aged 80+) with valid
/// synthetic ID numbers, home-care stations (居家养老服务驿站, the candidate sites), 8
/// operating and 7 building canteens. Deterministic from the seed; `scale` multiplies every
/// count of people and places for benchmarks.
public struct DemoDistrict: Sendable {
    public struct Community: Sendable, Hashable {
        public let name: String
        public let centre: PlanePoint
    }
    public struct Elder: Sendable, Hashable {
        public let idNumber: String
        public let community: String
        public let position: PlanePoint
        public let eligibility: Eligibility
    }
    public enum CanteenStatus: String, Sendable { case operating, building }
    public struct Canteen: Sendable, Hashable {
        public let name: String
        public let community: String
        public let position: PlanePoint
        public let status: CanteenStatus
    }
    public struct Station: Sendable, Hashable {
        public let name: String
        public let community: String
        public let position: PlanePoint
    }

    /// Seed figures.
    public static let areaSquareMetres = 15_000_000.0
    public static let population = 150_000
    public static let communityCount = 13
    public static let eldersPerTier: [(AgeTier, Int)] = [(.age60to69, 6_452), (.age70to79, 4_291), (.age80plus, 1_825)]
    public static let operatingCanteens = 8
    public static let buildingCanteens = 7
    /// Home-care stations per community (the seed gives no figure; 3 is typical of a
    /// community of 10,000 people).
    public static let stationsPerCommunity = 3
    /// Roughly the district's centre (Anqing Economic Development Zone).
    public static let centre = GeoPoint(latitude: 30.545, longitude: 117.005)

    public let plane: LocalPlane
    /// Half the side of the square district, metres.
    public let halfSide: Double
    public let referenceDay: CivilDate
    public let communities: [Community]
    public let elders: [Elder]
    public let stations: [Station]
    public let canteens: [Canteen]

    public init(seed: UInt64, scale: Double = 1, referenceDay: CivilDate = CivilDate(year: 2026, month: 12, day: 1)!) {
        var rng = SplitMix64(seed: seed)
        plane = LocalPlane(centre: Self.centre)
        self.referenceDay = referenceDay
        let half = Self.areaSquareMetres.squareRoot() / 2
        halfSide = half

        // Communities: jittered centres of 13 of the 16 cells of a 4×4 grid.
        let cell = 2 * half / 4
        var cells = (0..<16).map { $0 }
        cells.shuffle(using: &rng)
        communities = cells.prefix(Self.communityCount).sorted().enumerated().map { n, c in
            let x = -half + (Double(c % 4) + 0.5 + Double.random(in: -0.25...0.25, using: &rng)) * cell
            let y = -half + (Double(c / 4) + 0.5 + Double.random(in: -0.25...0.25, using: &rng)) * cell
            return Community(name: String(format: "社区%02d", n + 1), centre: PlanePoint(x: x, y: y))
        }

        func clamp(_ v: Double) -> Double { min(max(v, -half), half) }
        func nearestCommunity(_ p: PlanePoint, _ cs: [Community]) -> String {
            cs.min { $0.centre.squaredDistance(to: p) < $1.centre.squaredDistance(to: p) }!.name
        }
        func gaussian(_ rng: inout SplitMix64) -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        /// People live around community centres (σ = 450 m) with a tenth spread evenly.
        func homePosition(_ rng: inout SplitMix64, _ cs: [Community]) -> PlanePoint {
            if Double.random(in: 0..<1, using: &rng) < 0.1 {
                return PlanePoint(x: Double.random(in: -half...half, using: &rng), y: Double.random(in: -half...half, using: &rng))
            }
            let c = cs[Int.random(in: 0..<cs.count, using: &rng)].centre
            return PlanePoint(x: clamp(c.x + 450 * gaussian(&rng)), y: clamp(c.y + 450 * gaussian(&rng)))
        }

        var elders: [Elder] = []
        var issued = Set<String>()
        let regions = ["340803", "340811", "340871"]
        for (tier, seedCount) in Self.eldersPerTier {
            let count = Int((Double(seedCount) * scale).rounded())
            let ages: ClosedRange<Int> = switch tier {
            case .age60to69: 60...69
            case .age70to79: 70...79
            case .age80plus: 80...99
            }
            for _ in 0..<count {
                var birth: CivilDate
                repeat {
                    let age = Int.random(in: ages, using: &rng)
                    birth = referenceDay.adding(days: -(age * 365 + Int.random(in: 0..<365, using: &rng) + age / 4))!
                } while (try? AgeTier.of(birthDate: birth, on: referenceDay)) != tier
                var id: String
                repeat {
                    let seventeen = regions[Int.random(in: 0..<regions.count, using: &rng)]
                        + String(format: "%04d%02d%02d%03d", birth.year, birth.month, birth.day, Int.random(in: 0...999, using: &rng))
                    id = seventeen + String(ResidentIDNumber.checkCharacter(forFirst17: Array(seventeen)))
                } while !issued.insert(id).inserted
                var flags = Set<SubsidyFlag>()
                if Double.random(in: 0..<1, using: &rng) < 0.08 { flags.insert(.lowIncome) }
                if Double.random(in: 0..<1, using: &rng) < 0.15 { flags.insert(.livingAlone) }
                if Double.random(in: 0..<1, using: &rng) < 0.05 { flags.insert(.disabled) }
                let home = homePosition(&rng, communities)
                elders.append(Elder(idNumber: id, community: nearestCommunity(home, communities), position: home,
                                    eligibility: Eligibility(birthDate: birth, flags: flags)))
            }
        }
        self.elders = elders

        // Stations: spread around each community's centre (σ = 600 m).
        let perCommunity = max(1, Int((Double(Self.stationsPerCommunity) * scale).rounded()))
        var stations: [Station] = []
        for community in communities {
            for n in 0..<perCommunity {
                let p = PlanePoint(x: clamp(community.centre.x + 600 * gaussian(&rng)),
                                   y: clamp(community.centre.y + 600 * gaussian(&rng)))
                stations.append(Station(name: "\(community.name)驿站\(n + 1)", community: nearestCommunity(p, communities),
                                        position: p))
            }
        }
        self.stations = stations

        // Canteens near community centres, operating first.
        let operating = Int((Double(Self.operatingCanteens) * scale).rounded())
        let building = Int((Double(Self.buildingCanteens) * scale).rounded())
        var canteens: [Canteen] = []
        for n in 0..<(operating + building) {
            let community = communities[n % communities.count]
            let p = PlanePoint(x: clamp(community.centre.x + 250 * gaussian(&rng)), y: clamp(community.centre.y + 250 * gaussian(&rng)))
            canteens.append(Canteen(name: "老年食堂\(n + 1)", community: nearestCommunity(p, communities), position: p,
                                    status: n < operating ? .operating : .building))
        }
        self.canteens = canteens
    }

    public var elderLocations: [ElderLocation] {
        elders.map { ElderLocation(elderID: $0.idNumber, community: $0.community, position: $0.position) }
    }
}

extension DemoDistrict {
    /// The seed's siting question: which k home-care stations should become meal points so that
    /// the most elders are within the meal circle. Operating canteens are fixed; so are those
    /// being built when `countBuilding` (they will feed people soon).
    public func sitingProblem(k: Int, reach: WalkingReach = .standard, countBuilding: Bool = true) -> SitingProblem {
        let fixed = canteens.filter { $0.status == .operating || countBuilding }.map(\.position)
        return SitingProblem(demand: elders.map(\.position), candidates: stations.map(\.position), existing: fixed,
                             radius: reach.straightLineMetres, k: k)
    }
}
