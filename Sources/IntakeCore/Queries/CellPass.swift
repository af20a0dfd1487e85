import GRDB

/// Sums statistics cells read in primary-key order (village, status, category, department) in
/// one pass. Consecutive cells share their village and mostly their status, and a township has
/// tens of categories and departments, so a cell costs a few byte comparisons (`RawColumns`,
/// `ByteKeyedTally`) instead of four hashed look-ups. It replaces three SQL GROUP BYs, one per
/// dimension, two of them sorting through a temp B-tree (~18 ms in sqlite3 at 8,435 cells).
struct CellPass {
    private var village: [UInt8]?
    private var villageFigures = TicketFigures()
    private var statusName: [UInt8]?
    private var status: TicketStatus?
    private var statusRunsClock = false
    /// Tickets of `status` in the cells since it last changed (consecutive cells share it).
    private var statusTotal = 0
    private var categories = ByteKeyedTally<TicketFigures>()
    private var departments = ByteKeyedTally<TicketFigures>()
    /// Tickets whose clock runs, by village, category and department (for `OverdueCount`).
    private(set) var running = RunningTickets()

    /// Adds one cell: a row of (village, status, category, department, counts in
    /// `StatisticsCells.counts` order).
    mutating func add(_ row: RawColumns, to sums: inout FigureSums) {
        let name = row.text(1)
        if statusName?.equals(name) != true {
            flushStatus(into: &sums)
            statusName = Array(name)
            status = TicketStatus(rawValue: String(decoding: name, as: UTF8.self))
            statusRunsClock = status.map { TicketStatus.clockRunning.contains($0) } ?? false
        }
        var (figures, closedTimed) = FigureSums.counts(row, from: 4)
        if status == .closed { figures.closed = figures.total }
        if status == .rejected { figures.rejected = figures.total }
        sums.closedTimed += closedTimed
        statusTotal += figures.total
        sums.overall.add(figures)
        let cellVillage = row.text(0)
        if village?.equals(cellVillage) != true {
            flushVillage(into: &sums)
            village = Array(cellVillage)
        }
        villageFigures.add(figures)
        let category = row.text(2), department = row.text(3)
        categories.add(category, figures)
        departments.add(department, figures)
        if statusRunsClock {
            running.add(village: cellVillage, category: category, department: department, count: figures.total)
        }
    }

    /// Writes the sums of the dimensions into `sums` (once, after the last cell).
    mutating func finish(into sums: inout FigureSums) {
        flushStatus(into: &sums)
        flushVillage(into: &sums)
        for (key, more) in categories.entries { sums.byCategory[key, default: TicketFigures()].add(more) }
        for (key, more) in departments.entries { sums.byDepartment[key, default: TicketFigures()].add(more) }
    }

    private mutating func flushStatus(into sums: inout FigureSums) {
        if let status { sums.byStatus[status, default: 0] += statusTotal }
        statusTotal = 0
    }

    private mutating func flushVillage(into sums: inout FigureSums) {
        guard let village else { return }
        sums.byVillage[String(decoding: village, as: UTF8.self), default: TicketFigures()].add(villageFigures)
        villageFigures = TicketFigures()
    }
}

/// Counts of tickets by village, category and department.
struct RunningTickets {
    var total = 0
    var byVillage = ByteKeyedTally<Int>(), byCategory = ByteKeyedTally<Int>(), byDepartment = ByteKeyedTally<Int>()

    mutating func add(village: UnsafeRawBufferPointer, category: UnsafeRawBufferPointer, department: UnsafeRawBufferPointer, count: Int) {
        total += count
        byVillage.add(village, count)
        byCategory.add(category, count)
        byDepartment.add(department, count)
    }
}
