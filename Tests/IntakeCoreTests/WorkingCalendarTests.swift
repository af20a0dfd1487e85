import Foundation
import Testing
@testable import IntakeCore

@Suite struct WorkingCalendarTests {
    let calendar = Fixture.calendar

    @Test func weekendsAreNotWorkingDays() {
        #expect(calendar.isWorkingDay(LocalDate(year: 2026, month: 3, day: 2)))   // Monday
        #expect(calendar.isWorkingDay(LocalDate(year: 2026, month: 3, day: 6)))   // Friday
        #expect(!calendar.isWorkingDay(LocalDate(year: 2026, month: 3, day: 7)))  // Saturday
        #expect(!calendar.isWorkingDay(LocalDate(year: 2026, month: 3, day: 8)))  // Sunday
    }

    @Test func holidaysAndWorkingWeekendsAreConfigurable() {
        #expect(!calendar.isWorkingDay(LocalDate(year: 2026, month: 10, day: 1)))  // Thursday, National Day
        var adjusted = calendar
        adjusted.workingWeekendDays = [LocalDate(year: 2026, month: 10, day: 10)]  // a Saturday 调休
        #expect(adjusted.isWorkingDay(LocalDate(year: 2026, month: 10, day: 10)))
    }

    @Test func dayBoundariesAreInShanghai() {
        // 2026-03-02 23:30 in Shanghai is 15:30 UTC the same day; the day ends at 16:00 UTC.
        let lateEvening = Fixture.at(2026, 3, 2, 23, 30)
        #expect(calendar.localDate(of: lateEvening) == LocalDate(year: 2026, month: 3, day: 2))
        #expect(calendar.endOfDay(containing: lateEvening) == Fixture.at(2026, 3, 3))
        #expect(calendar.endOfDay(containing: lateEvening).timeIntervalSince1970 == 1_772_467_200)
    }

    @Test func workingDaysSkipWeekends() {
        let friday = Fixture.at(2026, 3, 6, 15)
        // 3 working days after Friday: Mon, Tue, Wed → end of Wednesday.
        #expect(calendar.endOfWorkingDays(3, after: friday) == Fixture.at(2026, 3, 12))
        let saturday = Fixture.at(2026, 3, 7, 9)
        #expect(calendar.endOfWorkingDays(1, after: saturday) == Fixture.at(2026, 3, 10))
    }

    @Test func workingDaysSkipHolidays() {
        let wednesday = Fixture.at(2026, 9, 30, 9)
        // Oct 1 and 2 are holidays, 3–4 the weekend: first working day is Monday Oct 5.
        #expect(calendar.endOfWorkingDays(1, after: wednesday) == Fixture.at(2026, 10, 6))
        #expect(calendar.endOfWorkingDays(3, after: wednesday) == Fixture.at(2026, 10, 8))
    }

    @Test func fifteenWorkingDaysIsThreeWeeks() {
        #expect(calendar.endOfWorkingDays(15, after: Fixture.monday) == Fixture.at(2026, 3, 24))
    }

    @Test func rulesComputeDueDates() {
        let deadlines = DeadlineCalculator(calendar: calendar)
        let enquiry = Category(id: "e", name: "e", kind: .enquiry)
        #expect(enquiry.deadlineRule == .workingDays(3))
        #expect(deadlines.dueDate(category: enquiry, priority: .normal, from: Fixture.monday) == Fixture.at(2026, 3, 6))
        // Urgent priority means the same day, whatever the category.
        #expect(deadlines.dueDate(category: enquiry, priority: .urgent, from: Fixture.monday) == Fixture.at(2026, 3, 3))
        let custom = Category(id: "c", name: "c", kind: .complaint, deadlineRule: .workingDays(13))
        #expect(deadlines.dueDate(category: custom, priority: .normal, from: Fixture.monday) == Fixture.at(2026, 3, 20))
        #expect(DeadlineRule(stored: DeadlineRule.hours(48).description) == .hours(48))
        #expect(DeadlineRule(stored: "weeks:2") == nil)
    }
}
