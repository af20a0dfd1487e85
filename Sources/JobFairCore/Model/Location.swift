/// A place in the township on a local metric grid (metres east and north of the township
/// office), so that distances are integers and never depend on floating-point rounding.
public struct Location: Sendable, Hashable, Codable {
    public var name: String
    public var eastMetres: Int
    public var northMetres: Int

    public init(name: String, eastMetres: Int, northMetres: Int) {
        self.name = name
        self.eastMetres = eastMetres
        self.northMetres = northMetres
    }

    /// Manhattan distance in metres (roads in the township run roughly on a grid).
    public func distanceMetres(to other: Location) -> Int {
        abs(eastMetres - other.eastMetres) + abs(northMetres - other.northMetres)
    }
}
