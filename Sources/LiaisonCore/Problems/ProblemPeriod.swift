/// A half month of the problem list (问题清单): the 1st to the 15th, or the 16th to the end of
/// the month, in the township's time zone. Written "2026-03-1" (first half) or "2026-03-2".
public struct ProblemPeriod: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    /// 1: days 1–15; 2: day 16 to the end of the month.
    public let half: Int

    public init?(year: Int, month: Int, half: Int) {
        guard (1970...9999).contains(year), (1...12).contains(month), half == 1 || half == 2 else { return nil }
        self.year = year
        self.month = month
        self.half = half
    }

    /// The period an instant falls in.
    public init(containing instant: Instant) {
        let date = LocalDate(containing: instant)
        year = date.year
        month = date.month
        half = date.day <= 15 ? 1 : 2
    }

    /// Parses "YYYY-MM-H"; throws `LiaisonError` (PERIOD_INVALID) naming what is wrong.
    public static func parse(_ text: String, field: String = "period") throws(LiaisonError) -> ProblemPeriod {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 1,
              let y = Int(parts[0]), let m = Int(parts[1]), let h = Int(parts[2]) else {
            throw .invalid(field: field, reason: "PERIOD_INVALID",
                           "'\(text.prefix(32))' is not a period: write YYYY-MM-1 (days 1–15) or YYYY-MM-2 (16th to the end)")
        }
        guard let period = ProblemPeriod(year: y, month: m, half: h) else {
            throw .invalid(field: field, reason: "PERIOD_INVALID",
                           "'\(text)' does not exist: the month is 01–12 and the half 1 or 2")
        }
        return period
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: half == 1 ? 1 : 16)! }
    public var lastDay: LocalDate {
        LocalDate(year: year, month: month, day: half == 1 ? 15 : LocalDate.daysIn(month: month, year: year))!
    }
    /// Local midnight of the first day.
    public var start: Instant { firstDay.start }
    /// Local midnight after the last day (the next period's start).
    public var end: Instant { next.start }

    public var next: ProblemPeriod {
        if half == 1 { return ProblemPeriod(year: year, month: month, half: 2)! }
        return month == 12 ? ProblemPeriod(year: year + 1, month: 1, half: 1)! : ProblemPeriod(year: year, month: month + 1, half: 1)!
    }

    public var previous: ProblemPeriod {
        if half == 2 { return ProblemPeriod(year: year, month: month, half: 1)! }
        return month == 1 ? ProblemPeriod(year: year - 1, month: 12, half: 2)! : ProblemPeriod(year: year, month: month - 1, half: 2)!
    }

    public func contains(_ instant: Instant) -> Bool { start <= instant && instant < end }

    public static func < (a: ProblemPeriod, b: ProblemPeriod) -> Bool { (a.year, a.month, a.half) < (b.year, b.month, b.half) }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)-\(half)" }
    /// "2026年3月上半月" for lists people read.
    public var chineseLabel: String { "\(year)年\(month)月\(half == 1 ? "上" : "下")半月" }
}
