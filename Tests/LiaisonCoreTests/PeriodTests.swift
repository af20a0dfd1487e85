import LiaisonCore
import Testing

@Suite struct PeriodTests {
    @Test func halvesSplitOnThe16thInTheTownshipsTimeZone() throws {
        let period = try ProblemPeriod.parse("2026-02-2")
        #expect(period.firstDay == LocalDate(year: 2026, month: 2, day: 16))
        #expect(period.lastDay == LocalDate(year: 2026, month: 2, day: 28))
        #expect(period.next.description == "2026-03-1")
        #expect(try ProblemPeriod.parse("2024-02-2").lastDay.day == 29)
        #expect(try ProblemPeriod.parse("2026-12-2").next.description == "2027-01-1")
        #expect(try ProblemPeriod.parse("2026-01-1").previous.description == "2025-12-2")
        // 2026-03-15T16:00:00Z is midnight of the 16th in UTC+8: the second half begins.
        let midnight = Instant(secondsSinceEpoch: 1_773_590_400)
        #expect(ProblemPeriod(containing: midnight).description == "2026-03-2")
        #expect(ProblemPeriod(containing: midnight.adding(seconds: -1)).description == "2026-03-1")
        #expect(try ProblemPeriod.parse("2026-03-2").start == midnight)
    }

    @Test(arguments: ["2026-13-1", "2026-00-1", "2026-03-3", "2026-3-1", "26-03-1", "2026-03", "", "2026-03-1x"])
    func refusesPeriodsThatDoNotExist(text: String) {
        #expect(throws: LiaisonError.self) { try ProblemPeriod.parse(text) }
        do { _ = try ProblemPeriod.parse(text) } catch { #expect(error.reason == "PERIOD_INVALID") }
    }

    @Test func localDatesRoundTripThroughEpochDays() throws {
        for text in ["1970-01-01", "2000-02-29", "2026-12-31", "2100-03-01"] {
            let date = try #require(LocalDate(text))
            #expect(LocalDate(containing: date.start) == date)
            #expect(LocalDate(containing: date.start.adding(seconds: 86_399)) == date)
            #expect(date.description == text)
        }
        #expect(LocalDate("2026-02-29") == nil)
    }
}
