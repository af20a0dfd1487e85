import Foundation

/// Working days of the township: Monday to Friday, minus public holidays, plus the weekend
/// days the State Council declares working days (调休). Days are counted in `timeZone`.
public struct WorkingCalendar: Sendable {
    public let timeZone: TimeZone
    public var holidays: Set<LocalDate>
    public var workingWeekendDays: Set<LocalDate>
    private let calendar: Calendar

    public static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    public init(timeZone: TimeZone = WorkingCalendar.shanghai, holidays: Set<LocalDate> = [],
                workingWeekendDays: Set<LocalDate> = []) {
        self.timeZone = timeZone
        self.holidays = holidays
        self.workingWeekendDays = workingWeekendDays
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public func localDate(of instant: Date) -> LocalDate {
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Midnight at the start of `day` in the calendar's time zone.
    public func startOfDay(_ day: LocalDate) -> Date {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
    }

    public func day(after day: LocalDate, by count: Int = 1) -> LocalDate {
        let noon = calendar.date(byAdding: .hour, value: 12, to: startOfDay(day))!
        return localDate(of: calendar.date(byAdding: .day, value: count, to: noon)!)
    }

    public func isWorkingDay(_ day: LocalDate) -> Bool {
        if holidays.contains(day) { return false }
        if workingWeekendDays.contains(day) { return true }
        let weekday = calendar.component(.weekday, from: startOfDay(day)) // 1 = Sunday, 7 = Saturday
        return weekday != 1 && weekday != 7
    }

    /// The instant the calendar day containing `instant` ends (the next midnight).
    public func endOfDay(containing instant: Date) -> Date {
        startOfDay(day(after: localDate(of: instant)))
    }

    /// The end of the `count`-th working day after the day of `instant` (the report day itself
    /// does not count, as in 12345 practice: reported Friday, 3 working days → end of Wednesday).
    public func endOfWorkingDays(_ count: Int, after instant: Date) -> Date {
        precondition(count >= 0)
        var current = localDate(of: instant)
        var remaining = count
        while remaining > 0 {
            current = day(after: current)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return startOfDay(day(after: current))
    }
}
