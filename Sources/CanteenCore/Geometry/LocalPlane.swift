import Foundation

/// A WGS-84 position in degrees.
public struct GeoPoint: Hashable, Sendable, Codable {
    public let latitude: Double
    public let longitude: Double
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// A position in metres on a local plane: x east, y north of the plane's origin.
public struct PlanePoint: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    @inline(__always)
    public func squaredDistance(to other: PlanePoint) -> Double {
        let dx = x - other.x, dy = y - other.y
        return dx * dx + dy * dy
    }

    public func distance(to other: PlanePoint) -> Double { squaredDistance(to: other).squareRoot() }

    /// No place on a local plane is farther than this from its origin (a million kilometres,
    /// far beyond any district): bounding coordinates keeps every sum and cell number finite.
    public static let maximumMagnitude = 1e9

    /// Finite and within `maximumMagnitude` of the origin: what coverage and siting accept.
    public var isUsable: Bool {
        x.isFinite && y.isFinite && abs(x) <= Self.maximumMagnitude && abs(y) <= Self.maximumMagnitude
    }
}

/// An equirectangular projection around a district's centre: x = R·Δλ·cos φ₀, y = R·Δφ, on a
/// sphere of the mean Earth radius. Over a district of 15 km² (points within ~3 km of the
/// centre) its distances differ from the geodesic ones by well under 0.1 % — metres on a
/// 1 km walk, far below the detour factor's own uncertainty — and it costs a multiply.
public struct LocalPlane: Sendable {
    /// Mean Earth radius (IUGG), metres.
    public static let earthRadius = 6_371_008.8
    public let centre: GeoPoint
    private let metresPerDegreeLatitude: Double
    private let metresPerDegreeLongitude: Double

    public init(centre: GeoPoint) {
        self.centre = centre
        metresPerDegreeLatitude = Self.earthRadius * .pi / 180
        metresPerDegreeLongitude = metresPerDegreeLatitude * cos(centre.latitude * .pi / 180)
    }

    public func project(_ p: GeoPoint) -> PlanePoint {
        PlanePoint(x: (p.longitude - centre.longitude) * metresPerDegreeLongitude,
                   y: (p.latitude - centre.latitude) * metresPerDegreeLatitude)
    }

    public func unproject(_ p: PlanePoint) -> GeoPoint {
        GeoPoint(latitude: centre.latitude + p.y / metresPerDegreeLatitude,
                 longitude: centre.longitude + p.x / metresPerDegreeLongitude)
    }
}
