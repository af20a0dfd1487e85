import CanteenCore
import Foundation
import GRDB

/// Figures for leaders, the meal circle and siting.
extension CanteenStore {
    public struct CanteenFigure: Sendable, Hashable {
        public var canteenID: String
        public var name: String
        public var mealsOnDay: Int
        public var mealsInMonth: Int
        public var subsidyInMonthFen: Int
    }

    public struct MealFigures: Sendable {
        public var day: CivilDate
        public var canteens: [CanteenFigure]
        /// Eligible elders by tier on `day`.
        public var eldersByTier: [AgeTier: Int]
    }

    public func mealFigures(day: CivilDate) throws -> MealFigures {
        let first = CivilDate(year: day.year, month: day.month, day: 1)!
        let last = CivilDate(year: day.year, month: day.month, day: CivilDate.daysIn(month: day.month, year: day.year))!
        return try pool.read { db in
            var figures: [CanteenFigure] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT canteens.id, canteens.name,
                       (SELECT COUNT(*) FROM meals WHERE canteen_id = canteens.id AND day = ?) AS on_day,
                       (SELECT COUNT(*) FROM meals WHERE canteen_id = canteens.id AND day BETWEEN ? AND ?) AS in_month,
                       (SELECT COALESCE(SUM(subsidy_fen), 0) FROM meals WHERE canteen_id = canteens.id AND day BETWEEN ? AND ?) AS subsidy
                FROM canteens ORDER BY canteens.id
                """, arguments: [day.description, first.description, last.description, first.description, last.description]) {
                figures.append(CanteenFigure(canteenID: row["id"], name: row["name"], mealsOnDay: row["on_day"], mealsInMonth: row["in_month"],
                                             subsidyInMonthFen: row["subsidy"]))
            }
            var tiers: [AgeTier: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT birth_date, end_reason, end_from FROM elders") {
                var end: EligibilityEnd?
                if let reason: String = row["end_reason"], let r = EligibilityEnd.Reason(rawValue: reason) { end = EligibilityEnd(reason: r, from: row.civilDate("end_from")) }
                if let tier = try? Eligibility(birthDate: row.civilDate("birth_date"), end: end).tier(on: day) { tiers[tier, default: 0] += 1 }
            }
            return MealFigures(day: day, canteens: figures, eldersByTier: tiers)
        }
    }

    /// Eligible elders today with their homes, in registration order.
    func eligibleElders() throws -> [(id: Int64, community: String, home: GeoPoint)] {
        let today = self.today
        return try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, community, latitude, longitude, end_from FROM elders ORDER BY id").compactMap { row in
                if let end: String = row["end_from"], let from = CivilDate(end), from <= today { return nil }
                return (id: row["id"], community: row["community"], home: GeoPoint(latitude: row["latitude"], longitude: row["longitude"]))
            }
        }
    }

    /// The plane the district's distances are measured on: centred on its canteens and elders.
    static func plane(around points: [GeoPoint]) -> LocalPlane {
        guard !points.isEmpty else { return LocalPlane(centre: DemoDistrict.centre) }
        let lat = points.reduce(0) { $0 + $1.latitude } / Double(points.count)
        let lon = points.reduce(0) { $0 + $1.longitude } / Double(points.count)
        return LocalPlane(centre: GeoPoint(latitude: lat, longitude: lon))
    }

    public struct Coverage: Sendable {
        public var reach: WalkingReach
        public var report: CoverageReport
        public var uncovered: [(id: Int64, community: String, home: GeoPoint)]
    }

    public func coverage(reach: WalkingReach, uncoveredLimit: Int) throws -> Coverage {
        let elders = try eligibleElders()
        let operating = try canteens().filter { $0.status == .operating }
        let plane = Self.plane(around: operating.map(\.location) + elders.map(\.home))
        let locations = elders.map { ElderLocation(elderID: String($0.id), community: $0.community, position: plane.project($0.home)) }
        let report = try CoverageReport.compute(elders: locations, operatingCanteens: operating.map { plane.project($0.location) }, reach: reach)
        var uncovered: [(id: Int64, community: String, home: GeoPoint)] = []
        for (i, covered) in report.coveredMask.enumerated() where !covered && uncovered.count < uncoveredLimit {
            uncovered.append(elders[i])
        }
        return Coverage(reach: reach, report: report, uncovered: uncovered)
    }

    public struct Siting: Sendable {
        public var result: SitingResult
        public var candidates: [(name: String, location: GeoPoint)]
    }

    /// The k candidates (the stored stations when none are given) that cover the most elders
    /// beyond the operating canteens (and those under construction when asked).
    public func proposeSites(k: Int, candidates given: [(name: String, location: GeoPoint)], reach: WalkingReach,
                             countUnderConstruction: Bool) throws -> Siting {
        let candidates = given.isEmpty ? try stations() : given
        let reach = try reach.validated()
        let elders = try eligibleElders()
        let fixed = try canteens().filter { $0.status == .operating || countUnderConstruction }
        let plane = Self.plane(around: fixed.map(\.location) + elders.map(\.home))
        let problem = SitingProblem(demand: elders.map { plane.project($0.home) }, candidates: candidates.map { plane.project($0.location) },
                                    existing: fixed.map { plane.project($0.location) }, radius: reach.straightLineMetres, k: k)
        var options = SitingOptions.standard
        options.maximumCoverageEntries = configuration.maximumSitingCoverageEntries
        return Siting(result: try SiteSelector.solve(problem, options: options), candidates: candidates)
    }
}
