/// How far an elder walks in the meal circle, as a straight-line radius on the plane:
/// walking distance = straight-line distance × `detourFactor`, and the reach is `minutes` at
/// `speedKilometresPerHour`. The detour factor stands in for the street network until one is
/// available (its place is this one number).
public struct WalkingReach: Hashable, Sendable, Codable {
    public var minutes: Double
    public var speedKilometresPerHour: Double
    public var detourFactor: Double

    /// 15 minutes at 4 km/h = 1,000 m of walking; the default detour factor 1.3 (the usual
    /// ratio of street to straight-line distance in dense Chinese urban blocks is 1.2–1.4)
    /// makes that a 769 m straight-line radius.
    public static let standard = WalkingReach(minutes: 15, speedKilometresPerHour: 4, detourFactor: 1.3)

    public init(minutes: Double, speedKilometresPerHour: Double, detourFactor: Double) {
        self.minutes = minutes
        self.speedKilometresPerHour = speedKilometresPerHour
        self.detourFactor = detourFactor
    }

    /// Refuses values that would make a meaningless radius, naming the field.
    public func validated() throws(CoverageError) -> WalkingReach {
        if !(minutes > 0 && minutes.isFinite) { throw .invalidSetting(field: "reach.minutes", value: minutes) }
        if !(speedKilometresPerHour > 0 && speedKilometresPerHour.isFinite) {
            throw .invalidSetting(field: "reach.speed_km_per_hour", value: speedKilometresPerHour)
        }
        if !(detourFactor >= 1 && detourFactor.isFinite) { throw .invalidSetting(field: "reach.detour_factor", value: detourFactor) }
        return self
    }

    /// Metres walked in `minutes`.
    public var walkingMetres: Double { minutes * speedKilometresPerHour * 1000 / 60 }

    /// The straight-line radius on the plane that the walk reaches.
    public var straightLineMetres: Double { walkingMetres / detourFactor }

    public func walkingDistance(from a: PlanePoint, to b: PlanePoint) -> Double { a.distance(to: b) * detourFactor }
}

public enum CoverageError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSetting(field: String, value: Double)
    case invalidCoordinate(field: String, index: Int)

    public var description: String {
        switch self {
        case .invalidSetting(let field, let value): return "\(field): \(value) is out of range"
        case .invalidCoordinate(let field, let index): return "\(field)[\(index)]: coordinate is not a finite number within \(PlanePoint.maximumMagnitude) m"
        }
    }
}
