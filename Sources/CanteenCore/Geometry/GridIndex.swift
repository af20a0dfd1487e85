/// A uniform grid over points for "which points lie within r of here" queries. Cells are
/// `cellSize` wide (choose the query radius: a query then reads at most 3×3 cells); the point
/// numbers are kept cell after cell in one array (CSR), so a query reads contiguous memory.
public struct GridIndex: Sendable {
    public let cellSize: Double
    private let originX: Double
    private let originY: Double
    private let columns: Int
    private let rows: Int
    /// cellStart[c] ..< cellStart[c + 1] are the positions in `members` of cell c's points.
    private let cellStart: [Int32]
    private let members: [Int32]
    private let xs: [Double]
    private let ys: [Double]

    /// A grid can cover at most this many cells; a larger extent gets larger cells (queries
    /// stay correct, only slower). Keeps memory bounded whatever the input's spread.
    public static let maximumCells = 4_000_000

    /// `points` must be `isUsable` (the callers check): their extent then stays finite.
    public init(points: [PlanePoint], cellSize requested: Double) {
        precondition(requested > 0 && requested.isFinite, "cell size must be positive")
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in points {
            minX = min(minX, p.x); maxX = max(maxX, p.x)
            minY = min(minY, p.y); maxY = max(maxY, p.y)
        }
        if points.isEmpty { minX = 0; minY = 0; maxX = 0; maxY = 0 }
        var size = requested
        while ((maxX - minX) / size + 1) * ((maxY - minY) / size + 1) > Double(Self.maximumCells) { size *= 2 }
        cellSize = size
        originX = minX
        originY = minY
        columns = Int((maxX - minX) / size) + 1
        rows = Int((maxY - minY) / size) + 1
        xs = points.map(\.x)
        ys = points.map(\.y)

        let cellCount = columns * rows
        var cellOf = [Int32](repeating: 0, count: points.count)
        var counts = [Int32](repeating: 0, count: cellCount + 1)
        for (i, p) in points.enumerated() {
            let cx = Int((p.x - minX) / size), cy = Int((p.y - minY) / size)
            let c = cy * columns + cx
            cellOf[i] = Int32(c)
            counts[c + 1] += 1
        }
        for c in 0..<cellCount { counts[c + 1] += counts[c] }
        var next = counts
        var members = [Int32](repeating: 0, count: points.count)
        for i in 0..<points.count {
            let c = Int(cellOf[i])
            members[Int(next[c])] = Int32(i)
            next[c] += 1
        }
        cellStart = counts
        self.members = members
    }

    public var count: Int { xs.count }

    /// Calls `body` with the number of every point within `radius` (inclusive) of `centre`.
    @inline(__always)
    public func forEach(within radius: Double, of centre: PlanePoint, _ body: (Int) -> Void) {
        guard !xs.isEmpty else { return }
        let r2 = radius * radius
        guard centre.x.isFinite, centre.y.isFinite, radius >= 0, radius.isFinite else { return }
        let x0 = cell((centre.x - radius - originX) / cellSize, limit: columns)
        let x1 = cell((centre.x + radius - originX) / cellSize, limit: columns)
        let y0 = cell((centre.y - radius - originY) / cellSize, limit: rows)
        let y1 = cell((centre.y + radius - originY) / cellSize, limit: rows)
        guard x0 <= x1, y0 <= y1, x1 >= 0, y1 >= 0, x0 < columns, y0 < rows else { return }
        for cy in max(0, y0)...min(rows - 1, y1) {
            let rowBase = cy * columns
            for cx in max(0, x0)...min(columns - 1, x1) {
                let c = rowBase + cx
                for slot in Int(cellStart[c])..<Int(cellStart[c + 1]) {
                    let i = Int(members[slot])
                    let dx = xs[i] - centre.x, dy = ys[i] - centre.y
                    if dx * dx + dy * dy <= r2 { body(i) }
                }
            }
        }
    }

    /// The cell number along one axis, clamped to -1...limit so that a far-away centre
    /// cannot overflow the conversion to Int.
    @inline(__always)
    private func cell(_ position: Double, limit: Int) -> Int {
        Int(min(max(position.rounded(.down), -1), Double(limit)))
    }

    public func points(within radius: Double, of centre: PlanePoint) -> [Int] {
        var out: [Int] = []
        forEach(within: radius, of: centre) { out.append($0) }
        return out
    }
}
