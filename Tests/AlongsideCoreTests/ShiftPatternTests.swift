import AlongsideCore
import Foundation
import Testing

// Weekly shift patterns: the DAYS and TIMES grammar, and the real instants they make in
// Europe/London (a night shift over a clock change has its real length).

private func utc(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0
) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(
        from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}

private func date(_ y: Int, _ m: Int, _ d: Int) -> LocalDate { LocalDate(year: y, month: m, day: d)! }

@Suite("Shift patterns")
struct ShiftPatternTests {
    @Test(arguments: [
        ("mon-fri", Set([1, 2, 3, 4, 5])),
        ("sat,sun", Set([6, 7])),
        ("fri-mon", Set([5, 6, 7, 1])),
        ("sun-tue", Set([7, 1, 2])),
        ("daily", Set(1...7)),
        ("Mon,wed-fri", Set([1, 3, 4, 5])),
        ("tuesday", Set([2])),
        ("thu", Set([4])),
    ])
    func days(_ text: String, _ expected: Set<Int>) throws {
        #expect(try ShiftPattern.parseDays(text) == expected)
        let pattern = try ShiftPattern(days: text, times: "09:00-17:00")
        #expect(pattern.weekdays == expected)
    }

    @Test(arguments: ["funday", "mo", "mon-", "mon-fri-sun", "", "xyz,mon", "1-5"])
    func badDaysAreRefusedNamingDays(_ text: String) {
        do {
            _ = try ShiftPattern.parseDays(text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.field == "DAYS")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func aMisspeltDaySuggestsTheNearest() {
        do {
            _ = try ShiftPattern(days: "mno-fri", times: "09:00-17:00")
            Issue.record("accepted")
        } catch {
            #expect(error.field == "DAYS")
            #expect(error.description.contains("'mno'"))
            #expect(error.description.contains("did you mean 'mon'?"))
        }
    }

    @Test(arguments: ["09:00-09:00", "9-17", "25:00-06:00", "09:00", "09:00-17:60", "a-b"])
    func badTimesAreRefused(_ times: String) {
        do {
            _ = try ShiftPattern(days: "daily", times: times)
            Issue.record("'\(times)' was accepted")
        } catch {
            #expect(error.field == "TIMES")
        }
    }

    @Test func weekdayShiftsInWinterAreLocalTimes() throws {
        let pattern = try ShiftPattern(days: "mon-fri", times: "09:00-17:00")
        // Monday 2026-11-16 to Sunday 2026-11-22 (GMT).
        let spans = try pattern.spans(
            from: date(2026, 11, 16), until: date(2026, 11, 22), calendar: .london)
        #expect(spans.map(\.0) == (16...20).map { date(2026, 11, $0) })
        #expect(spans.first?.1 == TimeSpan(start: utc(2026, 11, 16, 9), end: utc(2026, 11, 16, 17)))
        #expect(spans.allSatisfy { $0.1.seconds == 8 * 3600 })
    }

    @Test func summerShiftsAreInBritishSummerTime() throws {
        let pattern = try ShiftPattern(days: "wed", times: "09:00-17:00")
        let spans = try pattern.spans(
            from: date(2026, 7, 1), until: date(2026, 7, 1), calendar: .london)
        #expect(spans.count == 1)
        #expect(spans[0].1 == TimeSpan(start: utc(2026, 7, 1, 8), end: utc(2026, 7, 1, 16)))
    }

    @Test func bothEndDatesAreIncluded() throws {
        let pattern = try ShiftPattern(days: "daily", times: "10:00-11:00")
        let spans = try pattern.spans(
            from: date(2026, 11, 16), until: date(2026, 11, 18), calendar: .london)
        #expect(spans.count == 3)
        let none = try pattern.spans(
            from: date(2026, 11, 18), until: date(2026, 11, 17), calendar: .london)
        #expect(none.isEmpty)
    }

    @Test func nightShiftWhenTheClocksGoBackIsNineHours() throws {
        let pattern = try ShiftPattern(days: "sat", times: "22:00-06:00")
        let spans = try pattern.spans(
            from: date(2026, 10, 24), until: date(2026, 10, 24), calendar: .london)
        #expect(spans.count == 1)
        // 22:00 BST on Saturday (21:00Z) to 06:00 GMT on Sunday (06:00Z).
        #expect(spans[0].1 == TimeSpan(start: utc(2026, 10, 24, 21), end: utc(2026, 10, 25, 6)))
        #expect(spans[0].1.seconds == 9 * 3600)
    }

    @Test func nightShiftWhenTheClocksGoForwardIsSevenHours() throws {
        let pattern = try ShiftPattern(days: "sat", times: "22:00-06:00")
        let spans = try pattern.spans(
            from: date(2026, 3, 28), until: date(2026, 3, 28), calendar: .london)
        #expect(spans.count == 1)
        // 22:00 GMT on Saturday to 06:00 BST on Sunday (05:00Z).
        #expect(spans[0].1 == TimeSpan(start: utc(2026, 3, 28, 22), end: utc(2026, 3, 29, 5)))
        #expect(spans[0].1.seconds == 7 * 3600)
    }

    @Test func anOrdinaryNightShiftIsEightHours() throws {
        let pattern = try ShiftPattern(days: "fri-mon", times: "22:00-06:00")
        let spans = try pattern.spans(
            from: date(2026, 11, 16), until: date(2026, 11, 22), calendar: .london)
        // Mon 16, Fri 20, Sat 21, Sun 22.
        #expect(spans.map(\.0) == [date(2026, 11, 16), date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)])
        #expect(spans.allSatisfy { $0.1.seconds == 8 * 3600 })
        #expect(spans.last?.1.end == utc(2026, 11, 23, 6))
    }

    @Test func endingAtMidnightEndsAtTheStartOfTheNextDay() throws {
        let pattern = try ShiftPattern(days: "mon", times: "18:00-24:00")
        let spans = try pattern.spans(
            from: date(2026, 11, 16), until: date(2026, 11, 16), calendar: .london)
        #expect(spans.first?.1 == TimeSpan(start: utc(2026, 11, 16, 18), end: utc(2026, 11, 17, 0)))
    }

    @Test func aShiftStartingInTheSpringGapIsRefused() throws {
        // 01:30 on Sunday 2026-03-29 does not exist in London.
        let pattern = try ShiftPattern(days: "sun", times: "01:30-05:00")
        #expect(throws: ShiftPatternError.self) {
            _ = try pattern.spans(
                from: date(2026, 3, 29), until: date(2026, 3, 29), calendar: .london)
        }
    }
}
