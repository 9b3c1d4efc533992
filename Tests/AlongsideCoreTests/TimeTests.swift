import AlongsideCore
import Foundation
import Testing

// Expected instants are Unix seconds worked out independently of the code under test.
// Europe/London 2026: forward at 2026-03-29 01:00 GMT (01:00Z), back at 2026-10-25 02:00 BST
// (01:00Z).

private let london = SiteCalendar.london

private func at(_ seconds: Int) -> Date {
    Date(timeIntervalSince1970: TimeInterval(seconds))
}

private func seconds(_ date: Date) -> Int {
    Int(date.timeIntervalSince1970)
}

private func day(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
    LocalDate(year: year, month: month, day: day)!
}

private func local(
    _ date: LocalDate, _ hour: Int, _ minute: Int, _ second: Int = 0
) -> LocalDateTime {
    LocalDateTime(date: date, hour: hour, minute: minute, second: second)!
}

// 2026-10-25T00:30:00Z (01:30 BST, the first 01:30 of that day).
private let octoberFirst0130 = 1_792_888_200
// 2026-03-29T01:30:00Z (02:30 BST).
private let march0130Z = 1_774_747_800
// 2026-11-16T09:14:05Z (09:14:05 GMT).
private let november = 1_794_820_445
// 2026-07-01T12:00:00Z (13:00 BST).
private let julyNoon = 1_782_907_200

@Suite("Local dates")
struct LocalDateTests {
    @Test func daysSinceEpochMatchesKnownValues() {
        #expect(day(1970, 1, 1).daysSinceEpoch == 0)
        #expect(day(1969, 12, 31).daysSinceEpoch == -1)
        #expect(day(2000, 3, 1).daysSinceEpoch == 11_017)
        #expect(day(2024, 2, 29).daysSinceEpoch == 19_782)
        #expect(day(2026, 11, 16).daysSinceEpoch == 20_773)
        #expect(day(1600, 2, 29).daysSinceEpoch == -135_081)
        #expect(LocalDate(daysSinceEpoch: 20_773) == day(2026, 11, 16))
        #expect(LocalDate(daysSinceEpoch: -135_081) == day(1600, 2, 29))
        #expect(LocalDate(daysSinceEpoch: -1) == day(1969, 12, 31))
    }

    @Test func roundTripsEveryDayOverFourCenturies() {
        var expected = day(1900, 1, 1)
        for days in expected.daysSinceEpoch...(day(2300, 12, 31).daysSinceEpoch) {
            let date = LocalDate(daysSinceEpoch: days)
            #expect(date == expected)
            #expect(date.daysSinceEpoch == days)
            if expected.day < 28 {
                expected.day += 1
            } else {
                expected =
                    LocalDate(
                        year: expected.year, month: expected.month,
                        day: expected.day + 1)
                    ?? LocalDate(year: expected.year, month: expected.month + 1, day: 1)
                    ?? day(expected.year + 1, 1, 1)
            }
        }
    }

    @Test func validatesAndParsesStrictly() {
        #expect(LocalDate(year: 2026, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2026, month: 4, day: 31) == nil)
        #expect(LocalDate(year: 2026, month: 13, day: 1) == nil)
        #expect(LocalDate(year: 2026, month: 0, day: 1) == nil)
        #expect(LocalDate(year: 2026, month: 1, day: 0) == nil)
        #expect(LocalDate("2026-11-16") == day(2026, 11, 16))
        #expect(LocalDate("2026-02-30") == nil)
        for bad in [
            "2026-1-16", "2026-11-6", "26-11-16", "20261116", "2026/11/16", " 2026-11-16",
            "2026-11-16T", "2026-11-1x", "+026-11-16", "",
        ] {
            #expect(LocalDate(bad) == nil, "\(bad)")
        }
    }

    @Test func describesAndCounts() {
        #expect(day(2026, 11, 16).description == "2026-11-16")
        #expect(day(987, 1, 2).description == "0987-01-02")
        #expect(day(2026, 12, 31).adding(days: 1) == day(2027, 1, 1))
        #expect(day(2024, 3, 1).adding(days: -1) == day(2024, 2, 29))
        #expect(day(2026, 11, 16).adding(days: 0) == day(2026, 11, 16))
        #expect(day(2026, 11, 16).weekday == 1)
        #expect(day(2026, 11, 16).weekdayName == "Mon")
        #expect(day(2026, 11, 22).weekday == 7)
        #expect(day(2026, 11, 22).weekdayName == "Sun")
        #expect(day(1970, 1, 1).weekdayName == "Thu")
        #expect(day(1969, 12, 31).weekday == 3)
        #expect(day(1600, 2, 29).weekdayName == "Tue")
        #expect(day(2026, 1, 31) < day(2026, 2, 1))
        #expect(!(day(2026, 2, 1) < day(2026, 1, 31)))
    }

    @Test func localDateTimeDescribesAndValidates() {
        #expect(local(day(2026, 11, 16), 9, 14, 5).description == "2026-11-16T09:14:05")
        #expect(LocalDateTime(date: day(2026, 11, 16), hour: 24, minute: 0) == nil)
        #expect(LocalDateTime(date: day(2026, 11, 16), hour: 9, minute: 60) == nil)
        #expect(LocalDateTime(date: day(2026, 11, 16), hour: 9, minute: 0, second: 60) == nil)
        #expect(local(day(2026, 11, 16), 23, 59, 59) < local(day(2026, 11, 17), 0, 0))
    }
}

@Suite("ISO weeks")
struct ISOWeekTests {
    @Test func weekContainingDates() {
        #expect(ISOWeek(containing: day(2026, 11, 16)).description == "2026-W47")
        #expect(ISOWeek(containing: day(2021, 1, 3)).description == "2020-W53")
        #expect(ISOWeek(containing: day(2024, 12, 30)).description == "2025-W01")
        #expect(ISOWeek(containing: day(2026, 12, 28)).description == "2026-W53")
        #expect(ISOWeek(containing: day(2027, 1, 3)).description == "2026-W53")
        #expect(ISOWeek(containing: day(2027, 1, 4)).description == "2027-W01")
        #expect(ISOWeek(containing: day(2026, 10, 25)).description == "2026-W43")
        #expect(ISOWeek(containing: day(2026, 3, 29)).description == "2026-W13")
    }

    @Test func parsesAndValidates() {
        #expect(ISOWeek("2026-W47") == ISOWeek(year: 2026, week: 47))
        #expect(ISOWeek("2026-w47") == ISOWeek(year: 2026, week: 47))
        #expect(ISOWeek("2026-W53") != nil)
        #expect(ISOWeek("2020-W53") != nil)
        #expect(ISOWeek("2025-W53") == nil)
        #expect(ISOWeek("2026-W54") == nil)
        #expect(ISOWeek(year: 2026, week: 54) == nil)
        #expect(ISOWeek(year: 2026, week: 0) == nil)
        for bad in ["2026-W00", "2026-W7", "2026W47", "2026-47", "2026-W470", "2026-X47", ""] {
            #expect(ISOWeek(bad) == nil, "\(bad)")
        }
        #expect(ISOWeek(year: 2026, week: 7)?.description == "2026-W07")
    }

    @Test func mondaySundayAndArithmetic() throws {
        let w47 = try #require(ISOWeek("2026-W47"))
        #expect(w47.monday == day(2026, 11, 16))
        #expect(w47.sunday == day(2026, 11, 22))
        let w01 = try #require(ISOWeek("2025-W01"))
        #expect(w01.monday == day(2024, 12, 30))
        #expect(w01.adding(weeks: -1).description == "2024-W52")
        #expect(ISOWeek("2026-W53")?.adding(weeks: 1).description == "2027-W01")
        #expect(ISOWeek("2020-W53")?.sunday == day(2021, 1, 3))
        #expect(w47.adding(weeks: 0) == w47)
        #expect(w47.adding(weeks: 52).description == "2027-W46")
        #expect(try #require(ISOWeek("2025-W52")) < w01.adding(weeks: 52))
        #expect(try #require(ISOWeek("2026-W01")) > w47.adding(weeks: -52))
    }
}

@Suite("Site calendar, Europe/London")
struct SiteCalendarTests {
    @Test func usesLondonWhateverTheSystemZone() {
        #expect(london.timeZone.identifier == "Europe/London")
        #expect(SiteCalendar(identifier: "Not/AZone") == nil)
    }

    @Test func offsetsEitherSideOfTheChanges() {
        let springChange = 1_774_746_000  // 2026-03-29T01:00:00Z
        let autumnChange = 1_792_890_000  // 2026-10-25T01:00:00Z
        #expect(london.offsetSeconds(at: at(springChange - 1)) == 0)
        #expect(london.offsetSeconds(at: at(springChange)) == 3_600)
        #expect(london.offsetSeconds(at: at(autumnChange - 1)) == 3_600)
        #expect(london.offsetSeconds(at: at(autumnChange)) == 0)
        #expect(london.offsetSeconds(at: at(julyNoon)) == 3_600)
        #expect(london.offsetSeconds(at: at(november)) == 0)
    }

    @Test func ambiguousTimeMeansTheFirstOne() throws {
        let october25 = day(2026, 10, 25)
        #expect(try seconds(london.instant(for: local(october25, 1, 30))) == octoberFirst0130)
        #expect(
            try seconds(london.instant(for: local(october25, 0, 59, 59)))
                == octoberFirst0130 - 1_801)
        #expect(
            try seconds(london.instant(for: local(october25, 2, 0)))
                == octoberFirst0130 + 5_400)
        // Both 01:30s read back as 01:30 local.
        #expect(london.localDateTime(at(octoberFirst0130)) == local(october25, 1, 30))
        #expect(london.localDateTime(at(octoberFirst0130 + 3_600)) == local(october25, 1, 30))
    }

    @Test func gapTimeIsRefused() throws {
        let march29 = day(2026, 3, 29)
        #expect(throws: TimeParseError.nonexistentLocalTime("2026-03-29T01:30")) {
            try london.instant(for: local(march29, 1, 30))
        }
        #expect(throws: TimeParseError.nonexistentLocalTime("2026-03-29T01:00")) {
            try london.instant(for: local(march29, 1, 0))
        }
        #expect(throws: TimeParseError.nonexistentLocalTime("2026-03-29T01:59:59")) {
            try london.instant(for: local(march29, 1, 59, 59))
        }
        #expect(try seconds(london.instant(for: local(march29, 2, 30))) == march0130Z)
        #expect(try seconds(london.instant(for: local(march29, 2, 0))) == march0130Z - 1_800)
        #expect(
            try seconds(london.instant(for: local(march29, 0, 59, 59)))
                == march0130Z - 1_801)
    }

    @Test func formatsWithTheOffsetInForce() {
        #expect(london.isoString(at(julyNoon)) == "2026-07-01T13:00:00+01:00")
        #expect(london.isoString(at(november)) == "2026-11-16T09:14:05+00:00")
        #expect(london.isoString(at(octoberFirst0130)) == "2026-10-25T01:30:00+01:00")
        #expect(london.isoString(at(octoberFirst0130 + 3_600)) == "2026-10-25T01:30:00+00:00")
        let subSecond = Date(timeIntervalSince1970: TimeInterval(november) + 0.999)
        #expect(london.isoString(subSecond) == "2026-11-16T09:14:05+00:00")
        #expect(london.shortString(at(november)) == "2026-11-16 09:14")
        #expect(london.shortString(at(julyNoon)) == "2026-07-01 13:00")
        #expect(london.timeString(at(november)) == "09:14")
        #expect(london.timeString(at(julyNoon)) == "13:00")
        #expect(london.localDate(at(1_782_862_200)) == day(2026, 7, 1))  // 2026-06-30T23:30Z
        let newYork = SiteCalendar(identifier: "America/New_York")!
        #expect(newYork.isoString(at(november)) == "2026-11-16T04:14:05-05:00")
        let kolkata = SiteCalendar(identifier: "Asia/Kolkata")!
        #expect(kolkata.isoString(at(november)) == "2026-11-16T14:44:05+05:30")
    }

    @Test func startOfDayOnTheChangeDays() {
        #expect(seconds(london.startOfDay(day(2026, 10, 25))) == 1_792_882_800)  // 24th 23:00Z
        #expect(seconds(london.startOfDay(day(2026, 10, 26))) == 1_792_972_800)  // 00:00Z
        #expect(seconds(london.startOfDay(day(2026, 3, 29))) == 1_774_742_400)  // 00:00Z
        #expect(seconds(london.startOfDay(day(2026, 3, 30))) == 1_774_825_200)  // 29th 23:00Z
        // São Paulo went from 00:00 -03 straight to 01:00 -02 on 2018-11-04.
        let saoPaulo = SiteCalendar(identifier: "America/Sao_Paulo")!
        #expect(seconds(saoPaulo.startOfDay(day(2018, 11, 4))) == 1_541_300_400)
        #expect(saoPaulo.isoString(at(1_541_300_400)) == "2018-11-04T01:00:00-02:00")
    }

    @Test func weekIntervalsAcrossTheChanges() throws {
        let october = london.interval(of: try #require(ISOWeek("2026-W43")))
        #expect(seconds(october.start) == 1_792_364_400)  // Mon 19 Oct 00:00 BST
        #expect(seconds(october.end) == 1_792_972_800)  // Mon 26 Oct 00:00 GMT
        #expect(seconds(october.end) - seconds(october.start) == 169 * 3_600)
        let march = london.interval(of: try #require(ISOWeek("2026-W13")))
        #expect(seconds(march.start) == 1_774_224_000)  // Mon 23 Mar 00:00 GMT
        #expect(seconds(march.end) == 1_774_825_200)  // Mon 30 Mar 00:00 BST
        #expect(seconds(march.end) - seconds(march.start) == 167 * 3_600)
        let plain = london.interval(of: try #require(ISOWeek("2026-W47")))
        #expect(seconds(plain.end) - seconds(plain.start) == 168 * 3_600)
    }

    @Test func arrivalsBelongToTheirLocalWeek() {
        // Sunday 2026-11-22 23:30 GMT.
        #expect(london.week(of: at(1_795_391_940 - 29 * 60)).description == "2026-W47")
        // Sunday 2026-10-25 23:30 GMT, the long day the clocks went back.
        #expect(london.week(of: at(1_792_971_000)).description == "2026-W43")
        #expect(london.week(of: at(1_792_972_800 - 1)).description == "2026-W43")
        #expect(london.week(of: at(1_792_972_800)).description == "2026-W44")
        // Sunday 2026-07-05 23:30 BST is 22:30Z; Monday 00:30 BST is still Sunday in UTC.
        #expect(london.week(of: at(1_783_290_600)).description == "2026-W27")
        #expect(london.week(of: at(1_783_294_200)).description == "2026-W28")
    }

    @Test func lastCompleteWeek() {
        // Sunday 2026-11-22 23:59 GMT, then Monday 2026-11-23 00:00 GMT.
        #expect(london.lastCompleteWeek(now: at(1_795_391_940)).description == "2026-W46")
        #expect(london.lastCompleteWeek(now: at(1_795_392_000)).description == "2026-W47")
        // Monday 2026-07-06 00:00 BST is Sunday 23:00Z.
        #expect(london.lastCompleteWeek(now: at(1_783_292_400)).description == "2026-W27")
        #expect(london.lastCompleteWeek(now: at(1_783_292_399)).description == "2026-W26")
    }
}

@Suite("Parsing times and dates")
struct TimeParsingTests {
    @Test func siteLocalDateTimes() throws {
        let now = at(november)
        #expect(try seconds(london.parseTime("2026-11-16T09:14", now: now)) == november - 5)
        #expect(try seconds(london.parseTime("2026-11-16T09:14:05", now: now)) == november)
        #expect(try seconds(london.parseTime("2026-07-01T13:00", now: now)) == julyNoon)
        #expect(
            try seconds(london.parseTime("2026-10-25T01:30", now: now))
                == octoberFirst0130)
        #expect(try seconds(london.parseTime("2026-03-29T02:30", now: now)) == march0130Z)
        #expect(try seconds(london.parseTime(" 2026-11-16T09:14:05\t", now: now)) == november)
        #expect(throws: TimeParseError.nonexistentLocalTime("2026-03-29T01:30")) {
            try london.parseTime("2026-03-29T01:30", now: now)
        }
    }

    @Test func isoTimesWithOffsets() throws {
        let now = at(julyNoon)
        for text in [
            "2026-11-16T09:14:05Z", "2026-11-16T09:14:05+00:00",
            "2026-11-16T14:44:05+05:30", "2026-11-16T04:14:05-05:00", "2026-11-16T09:14:05.999Z",
            "2026-11-16T10:14:05+01:00",
        ] {
            #expect(try seconds(london.parseTime(text, now: now)) == november, "\(text)")
        }
        #expect(try seconds(london.parseTime("2026-11-16T09:14Z", now: now)) == november - 5)
        #expect(try seconds(london.parseTime("2026-07-01T13:00:00+01:00", now: now)) == julyNoon)
        // An explicit offset is taken as given, even inside London's gap.
        #expect(
            try seconds(london.parseTime("2026-03-29T01:30:00+00:00", now: now))
                == march0130Z)
    }

    @Test func todayAndRelativeTimes() throws {
        let now = Date(timeIntervalSince1970: TimeInterval(november) + 0.6)
        #expect(try seconds(london.parseTime("-15m", now: now)) == november - 900)
        #expect(try seconds(london.parseTime("-2h", now: now)) == november - 7_200)
        #expect(try seconds(london.parseTime("-0m", now: now)) == november)
        #expect(try seconds(london.parseTime("09:14", now: now)) == november - 5)
        #expect(try seconds(london.parseTime("00:00:30", now: now)) == november - 33_215)
        // 2026-10-25T12:00Z is 12:00 GMT, so 09:14 that day is 09:14Z.
        let autumnDay = at(1_792_929_600)
        #expect(try seconds(london.parseTime("09:14", now: autumnDay)) == 1_792_919_640)
        #expect(try seconds(london.parseTime("01:30", now: autumnDay)) == octoberFirst0130)
        // 2026-03-29T12:00Z is 13:00 BST, so 09:14 that day is 08:14Z.
        let springDay = at(1_774_785_600)
        #expect(try seconds(london.parseTime("09:14", now: springDay)) == 1_774_772_040)
        #expect(throws: TimeParseError.nonexistentLocalTime("2026-03-29T01:30")) {
            try london.parseTime("01:30", now: springDay)
        }
        // 2026-06-30T23:30Z is already 1 July 00:30 BST: "today" is 1 July.
        let justAfterMidnight = at(1_782_862_200)
        #expect(try seconds(london.parseTime("00:15", now: justAfterMidnight)) == 1_782_861_300)
        // A time the clock has not reached today is last night's (spec §1): 23:50 BST on
        // 30 June is 22:50Z.
        #expect(try seconds(london.parseTime("23:50", now: justAfterMidnight)) == 1_782_859_800)
        #expect(try seconds(london.parseTime("00:30", now: justAfterMidnight)) == 1_782_862_200)
        #expect(try seconds(london.parseTime("00:31", now: justAfterMidnight)) == 1_782_862_260 - 86_400)
    }

    @Test func theFormsTheConsolePrintsAndOneDigitHoursAreRead() throws {
        let now = Date(timeIntervalSince1970: TimeInterval(november) + 0.6)
        #expect(try seconds(london.parseTime("9:14", now: now)) == november - 5)
        #expect(try seconds(london.parseTime("9:14:05", now: now)) == november)
        #expect(try seconds(london.parseTime("2026-11-16 09:14", now: now)) == november - 5)
        #expect(try seconds(london.parseTime("2026-11-16 09:14:05", now: now)) == november)
        #expect(
            try london.parseTime("2026-11-16 09:14", now: now)
                == london.parseTime("2026-11-16T09:14", now: now))
        // The printed form reads back to the same instant, across the autumn change.
        let printed = london.shortString(at(octoberFirst0130))
        #expect(try seconds(london.parseTime(printed, now: now)) == octoberFirst0130)
    }

    @Test func refusesEverythingElse() {
        let now = at(november)
        for text in [
            "junk", "", "25:00", "24:00", "09:60", "9:4", "09:14:60", "0914", "19:14:5",
            "2026-11-16T9:14", "2026-11-16T09:14:5", "2026-11-16  09:14", "2026-11-16",
            "2026-11-16T", "2026-11-16T09", "2026-11-16T25:00", "2026-11-16T09:14:05+5:30",
            "2026-11-16T09:14:05+24:00", "2026-11-16T09:14:05+0530", "2026-11-16T09:14.5Z",
            "2026-11-16T09:14:05.Z", "2026-11-16T09:14:05.5", "2026-11-16T09:14:05z",
            "2026-11-16t09:14", "-15", "-15s", "-m", "15m", "-1.5h", "-15M", "--15m", "- 15m",
        ] {
            #expect(throws: TimeParseError.unrecognised(text), "\(text)") {
                try london.parseTime(text, now: now)
            }
        }
    }

    @Test func refusesDatesThatDoNotExist() throws {
        let now = at(november)
        #expect(throws: TimeParseError.invalidDate("2026-02-30")) {
            try london.parseTime("2026-02-30T09:14", now: now)
        }
        #expect(throws: TimeParseError.invalidDate("2026-13-01")) {
            try london.parseTime("2026-13-01T00:00:00Z", now: now)
        }
        #expect(throws: TimeParseError.invalidDate("2026-02-30")) {
            try london.parseDate("2026-02-30")
        }
        #expect(throws: TimeParseError.invalidDate("16/11/2026")) {
            try london.parseDate("16/11/2026")
        }
        #expect(throws: TimeParseError.invalidDate("2026-11-16T09:14")) {
            try london.parseDate("2026-11-16T09:14")
        }
        #expect(try london.parseDate("2026-11-16") == day(2026, 11, 16))
        #expect(try london.parseDate(" 2024-02-29 ") == day(2024, 2, 29))
    }

    @Test func blankTextIsUnrecognisedAfterTrimming() {
        #expect(throws: TimeParseError.unrecognised("")) {
            try london.parseTime(" \t ", now: at(november))
        }
        #expect(throws: TimeParseError.unrecognised("x")) {
            try london.parseTime(" x ", now: at(november))
        }
    }

    @Test func errorMessages() {
        #expect(
            TimeParseError.unrecognised("junk").description
                == "'junk' is not a time: use 2026-11-16T09:14, 2026-11-16 09:14, 09:14, -15m or an"
                + " ISO 8601 time with offset")
        #expect(
            TimeParseError.invalidDate("2026-02-30").description
                == "'2026-02-30' is not a real date (use YYYY-MM-DD)")
        #expect(
            TimeParseError.nonexistentLocalTime("2026-03-29T01:30").description
                == "'2026-03-29T01:30' does not exist in Europe/London (the clocks go forward then)"
        )
    }
}

@Suite("Clock times when planning")
struct PlanningClockTests {
    @Test func aClockTimeStillToComeIsTodaysWhenPlanning() throws {
        let london = SiteCalendar.london
        // 2026-12-01 10:00 GMT.
        let now = Date(timeIntervalSince1970: 1_796_119_200)
        let desk = try london.parseTime("18:00", now: now)
        let plan = try london.parseTime("18:00", now: now, clockToday: true)
        #expect(plan.timeIntervalSince1970 == 1_796_148_000, "today 18:00")
        #expect(desk.timeIntervalSince1970 == 1_796_148_000 - 86_400, "at the desk: last night's")
        #expect(try london.parseTime("09:00", now: now, clockToday: true) == london.parseTime("09:00", now: now))
    }
}
