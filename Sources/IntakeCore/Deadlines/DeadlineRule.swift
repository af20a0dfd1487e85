import Foundation

/// How long the township has to answer a ticket, counted from when its clock starts.
public enum DeadlineRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// By the end of the calendar day the clock starts.
    case sameDay
    /// By the end of the n-th working day after the clock starts.
    case workingDays(Int)
    /// A fixed number of hours, working or not.
    case hours(Int)

    public func dueDate(from start: Date, calendar: WorkingCalendar) -> Date {
        switch self {
        case .sameDay: calendar.endOfDay(containing: start)
        case .workingDays(let n): calendar.endOfWorkingDays(n, after: start)
        case .hours(let h): start.addingTimeInterval(TimeInterval(h) * 3600)
        }
    }

    /// Stored form: "same_day", "working_days:3", "hours:24".
    public var description: String {
        switch self {
        case .sameDay: "same_day"
        case .workingDays(let n): "working_days:\(n)"
        case .hours(let h): "hours:\(h)"
        }
    }

    public init?(stored: String) {
        if stored == "same_day" { self = .sameDay; return }
        let parts = stored.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[1]), n >= 0, n <= 366 else { return nil }
        switch parts[0] {
        case "working_days": self = .workingDays(n)
        case "hours": self = .hours(n)
        default: return nil
        }
    }
}

/// Default rules per category kind; each category may override its own.
public struct DeadlinePolicy: Sendable, Hashable {
    public var rules: [CategoryKind: DeadlineRule]
    public init(rules: [CategoryKind: DeadlineRule]) { self.rules = rules }

    /// Urgent: same day; enquiry and help: 3 working days; complaint and proposal: 15 working days.
    public static let standard = DeadlinePolicy(rules: [
        .urgent: .sameDay, .enquiry: .workingDays(3), .help: .workingDays(3),
        .complaint: .workingDays(15), .proposal: .workingDays(15),
    ])

    public func rule(for kind: CategoryKind) -> DeadlineRule { rules[kind] ?? .workingDays(15) }
}

/// Computes due dates: the category's rule, except that urgent priority always means same day.
public struct DeadlineCalculator: Sendable {
    public var calendar: WorkingCalendar
    public init(calendar: WorkingCalendar) { self.calendar = calendar }

    public func dueDate(category: Category, priority: Priority, from start: Date) -> Date {
        let rule: DeadlineRule = priority == .urgent ? .sameDay : category.deadlineRule
        return rule.dueDate(from: start, calendar: calendar)
    }
}
