import AlongsideCore
import Foundation
import Testing

// The weekly summary of spec §6 on a small week worked out by hand.
//
// Week 2026-W27 is Monday 2026-06-29 to Sunday 2026-07-05, all in BST (UTC+1), so it runs
// from 2026-06-28T23:00Z to 2026-07-05T23:00Z.

private func utc(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0
) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(
        from: DateComponents(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
}

private let week27 = ISOWeek(year: 2026, week: 27)!

private func p(
    _ n: Int, _ locality: String, _ needs: [String], arrived: Date, mentor: String? = nil,
    assigned: Date? = nil, seen: Date? = nil, closed: Date? = nil, outcome: Outcome? = nil
) -> Presentation {
    Presentation(
        number: n, locality: locality, needs: needs, arrivedAt: arrived, mentorID: mentor,
        assignedAt: assigned ?? (mentor == nil ? nil : arrived), seenAt: seen, closedAt: closed,
        outcome: outcome)
}

private let presentations: [Presentation] = [
    // Seen after exactly 60 minutes: within the target.
    p(1, "blackpool", ["alcohol", "housing"], arrived: utc(2026, 6, 29, 8), mentor: "M1",
      seen: utc(2026, 6, 29, 9), closed: utc(2026, 6, 29, 10), outcome: .supportedDischarged),
    // Seen after 60 minutes and 1 second: not within.
    p(2, "blackpool", ["alcohol"], arrived: utc(2026, 6, 30, 9), mentor: "M1",
      seen: utc(2026, 6, 30, 10, 0, 1)),
    // Seen after 30 minutes.
    p(3, "fleetwood", ["debt"], arrived: utc(2026, 7, 1, 11), mentor: "M2",
      seen: utc(2026, 7, 1, 11, 30)),
    // Assigned, left before being seen.
    p(4, "preston", ["housing"], arrived: utc(2026, 7, 2, 7), mentor: "M2",
      assigned: utc(2026, 7, 2, 7, 10), closed: utc(2026, 7, 2, 8), outcome: .leftBeforeSeen),
    // Sunday 23:30 BST: the last half hour of the week; still waiting.
    p(5, "fleetwood", ["alcohol"], arrived: utc(2026, 7, 5, 22, 30)),
    // Monday 00:30 BST, which is still Sunday in UTC: belongs to this week.
    p(6, "blackpool", ["debt"], arrived: utc(2026, 6, 28, 23, 30),
      closed: utc(2026, 6, 29, 1), outcome: .noMentorAvailable),
    // Monday 00:30 BST of the next week: not in this week.
    p(7, "blackpool", ["alcohol"], arrived: utc(2026, 7, 5, 23, 30), mentor: "M9",
      seen: utc(2026, 7, 5, 23, 40)),
    // Sunday 23:59:59 BST of the week before: not in this week.
    p(8, "lancaster", ["gambling"], arrived: utc(2026, 6, 28, 22, 59, 59)),
]

private let shifts: [Shift] = [
    Shift(mentorID: "M1", span: TimeSpan(start: utc(2026, 6, 29, 7), end: utc(2026, 6, 29, 15))),
    // Starts Sunday 22:00 BST, ends in the next week: all 10 hours count here.
    Shift(mentorID: "M1", span: TimeSpan(start: utc(2026, 7, 5, 21), end: utc(2026, 7, 6, 7))),
    // Starts Sunday 23:00 BST of the week before: does not count, though it ends in this week.
    Shift(mentorID: "M3", span: TimeSpan(start: utc(2026, 6, 28, 22), end: utc(2026, 6, 29, 2))),
    // A mentor with a shift and no assignment is still listed.
    Shift(mentorID: "M4", span: TimeSpan(start: utc(2026, 7, 1, 10), end: utc(2026, 7, 1, 12))),
]

private let summary = WeeklySummary(
    week: week27, presentations: presentations, shifts: shifts, calendar: .london,
    targetMinutes: 60)

@Suite("Weekly summary")
struct WeeklySummaryTests {
    @Test func theWeeksBoundsAreLocalMondayToSunday() {
        #expect(week27.monday == LocalDate(year: 2026, month: 6, day: 29))
        #expect(week27.sunday == LocalDate(year: 2026, month: 7, day: 5))
        let bounds = SiteCalendar.london.interval(of: week27)
        #expect(bounds.start == utc(2026, 6, 28, 23))
        #expect(bounds.end == utc(2026, 7, 5, 23))
    }

    @Test func headlineCounts() {
        #expect(summary.week == week27)
        #expect(summary.targetMinutes == 60)
        #expect(summary.presentations == 6)
        #expect(summary.seen == 3)
        #expect(summary.seenWithinTarget == 2)
        // 100 × 2 / 6 = 33.33… → 33.3
        #expect(summary.withinTargetPct == 33.3)
    }

    @Test func waitStatisticsInMinutes() throws {
        // Waits: 1800 s, 3600 s, 3601 s.
        let w = summary.waits
        #expect(w.count == 3)
        #expect(try #require(w.median).value == 60)
        // p90: rank 0.9 × 2 = 1.8 → 3600 + 0.8 × 1 = 3600.8 s.
        #expect(abs(try #require(w.p90).value - 3600.8 / 60) < 1e-12)
        #expect(abs(try #require(w.mean).value - 9001.0 / 180) < 1e-12)
        #expect(try #require(w.max).value == 3601.0 / 60)
        #expect(summary.waitSeconds == [1800, 3600, 3601])
    }

    @Test func notSeenByOutcomeAndStillWaiting() {
        let notSeen = Dictionary(uniqueKeysWithValues: summary.notSeen.map { ($0.0, $0.1) })
        #expect(notSeen["left-before-seen"] == 1)
        #expect(notSeen["no-mentor-available"] == 1)
        #expect(notSeen["declined-support"] == 0)
        #expect(notSeen["still-waiting"] == 1)
        #expect(notSeen.values.reduce(0, +) == summary.presentations - summary.seen)
    }

    @Test func byLocality() throws {
        let rows = summary.byLocality
        #expect(rows.map(\.key) == ["blackpool", "fleetwood", "preston"])
        #expect(rows.map(\.presentations) == [3, 2, 1])
        #expect(rows.map(\.seenWithinTarget) == [1, 1, 0])
        #expect(rows.map(\.withinTargetPct) == [33.3, 50.0, 0.0])
        // Blackpool's seen waits: 3600 and 3601 s → median 3600.5 s.
        #expect(abs(try #require(rows[0].medianWait).value - 3600.5 / 60) < 1e-12)
        #expect(try #require(rows[1].medianWait).value == 30)
        #expect(rows[2].medianWait == nil)
    }

    @Test func byNeedCountsAPersonUnderEachNeed() throws {
        let rows = summary.byNeed
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0) })
        #expect(Set(byKey.keys) == ["alcohol", "housing", "debt"])
        // alcohol: P1, P2, P5; housing: P1, P4; debt: P3, P6.
        #expect(byKey["alcohol"]?.presentations == 3)
        #expect(byKey["alcohol"]?.seenWithinTarget == 1)
        #expect(byKey["alcohol"]?.withinTargetPct == 33.3)
        #expect(byKey["housing"]?.presentations == 2)
        #expect(byKey["housing"]?.seenWithinTarget == 1)
        #expect(byKey["housing"]?.withinTargetPct == 50.0)
        #expect(try #require(byKey["housing"]?.medianWait).value == 60)
        #expect(byKey["debt"]?.presentations == 2)
        #expect(byKey["debt"]?.seenWithinTarget == 1)
        #expect(rows.first?.key == "alcohol")
        // More presentations than people: P1 counts twice.
        #expect(rows.map(\.presentations).reduce(0, +) == 7)
    }

    @Test func mentorsWithShiftsStartingInTheWeekOrAssignments() {
        let rows = summary.mentors
        #expect(rows.map(\.mentorID) == ["M1", "M2", "M4"])
        #expect(rows.map(\.assigned) == [2, 2, 0])
        #expect(rows.map(\.seen) == [2, 1, 0])
        #expect(rows.map(\.shiftHours) == [18, 0, 2])
    }

    @Test func aNightShiftOverTheAutumnClockChangeCountsItsRealNineHours() throws {
        let week = ISOWeek(year: 2026, week: 43)!  // 19–25 October 2026
        let night = try ShiftPattern(days: "sat", times: "22:00-06:00").spans(
            from: LocalDate(year: 2026, month: 10, day: 24)!,
            until: LocalDate(year: 2026, month: 10, day: 24)!, calendar: .london)
        let s = WeeklySummary(
            week: week, presentations: [],
            shifts: night.map { Shift(mentorID: "N1", span: $0.1) }, calendar: .london,
            targetMinutes: 60)
        #expect(s.mentors.map(\.mentorID) == ["N1"])
        #expect(s.mentors.first?.shiftHours == 9)
        #expect(s.mentors.first?.assigned == 0)
    }

    @Test func anEmptyWeekHasNoPercentageAndNoWaits() {
        let s = WeeklySummary(
            week: ISOWeek(year: 2026, week: 10)!, presentations: presentations, shifts: shifts,
            calendar: .london, targetMinutes: 60)
        #expect(s.presentations == 0)
        #expect(s.withinTargetPct == nil)
        #expect(s.waits.median == nil)
        #expect(s.waits.max == nil)
        #expect(s.mentors.isEmpty)
        #expect(s.byNeed.isEmpty)
    }

    @Test func theTargetInForceIsUsed() {
        let s = WeeklySummary(
            week: week27, presentations: presentations, shifts: shifts, calendar: .london,
            targetMinutes: 30)
        // Only the 30-minute wait is within a 30-minute target.
        #expect(s.targetMinutes == 30)
        #expect(s.seenWithinTarget == 1)
        #expect(s.withinTargetPct == 16.7)
    }
}

@Suite("Week figures: the trend's rows from arrival and seen times alone")
struct WeekFiguresTests {
    /// Random presentations over `weeks` weeks from 2026-W10 (some outside, some unseen).
    private func random(_ seed: UInt64, weeks: Int, calendar: SiteCalendar) -> [Presentation] {
        var g = AllocationPropertyTests.Rng(state: seed)
        let start = calendar.interval(of: ISOWeek(year: 2026, week: 10)!).start
        let length = Double(weeks * 7 * 86_400)
        return (0..<Int.random(in: 0...400, using: &g)).map { n in
            let arrived = start.addingTimeInterval(
                Double(Int.random(in: -86_400...Int(length) + 86_400, using: &g)))
            let seen: Date? =
                Bool.random(using: &g)
                ? arrived.addingTimeInterval(Double(Int.random(in: 0...10_800, using: &g))) : nil
            return Presentation(
                number: n + 1, locality: "blackpool", needs: ["alcohol"], arrivedAt: arrived,
                seenAt: seen)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func theHeadlineFromFiguresIsTheFullSummarysHeadline(_ seed: UInt64) throws {
        let calendar = try #require(SiteCalendar(identifier: "Europe/London"))
        let first = ISOWeek(year: 2026, week: 10)!
        let last = first.adding(weeks: 5)
        let rows = random(seed, weeks: 6, calendar: calendar)
        let weeks = ISOWeek.weeks(from: first, through: last)
        let full = weeks.map {
            WeeklySummary(
                week: $0, presentations: rows, shifts: [], calendar: calendar, targetMinutes: 60)
        }
        let spans = weeks.map { w in
            let b = calendar.interval(of: w)
            return TimeSpan(start: b.start, end: b.end)
        }
        // The clocks go forward in 2026-W13: that span is 167 hours, not 7 × 24.
        var shuffler = AllocationPropertyTests.Rng(state: seed &+ 99)
        var tally = WeekFigures.Tally(spans: spans)
        for p in rows.shuffled(using: &shuffler) {
            tally.add(arrivedAt: p.arrivedAt, waitSeconds: p.waitSeconds)
        }
        let figures = tally.figures
        #expect(figures.count == full.count)
        for (summary, f) in zip(full, figures) {
            let headline = WeeklySummary(week: summary.week, figures: f, targetMinutes: 60)
            #expect(headline.presentations == summary.presentations)
            #expect(headline.seen == summary.seen)
            #expect(headline.seenWithinTarget == summary.seenWithinTarget)
            #expect(headline.withinTargetPct == summary.withinTargetPct)
            #expect(headline.waits == summary.waits)
            #expect(headline.waitSeconds == summary.waitSeconds)
        }
    }
}
