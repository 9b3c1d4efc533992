import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `shift add` / `shift weekly`.
struct ShiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shift",
        abstract: "Put a mentor on duty: one shift, or a weekly pattern.",
        subcommands: [ShiftAdd.self, ShiftWeekly.self, ShiftRemove.self])
}

/// Refuses a shift that overlaps one the mentor already has.
func checkNoOverlap(_ span: TimeSpan, mentor: String, tx: any StoreReading, cal: SiteCalendar) throws {
    if let clash = try tx.shifts(mentor: mentor, overlapping: span).first {
        throw CommandError(
            "\(mentor) already has a shift \(cal.shortString(clash.span.start)) – \(cal.shortString(clash.span.end)) that overlaps \(cal.shortString(span.start)) – \(cal.shortString(span.end))")
    }
}

struct ShiftAdd: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add one shift: START and END are times (an END before START is refused).",
        discussion: """
            Examples:
              shift add M1 2026-11-23T09:00 2026-11-23T17:00
              shift add M1 18:00 23:30
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id.") var mentor: String
    @Argument(help: "When the shift starts.") var start: String
    @Argument(help: "When it ends.") var end: String

    func execute(_ session: Session) throws -> String {
        // A shift is planned: a bare clock time is today's, even when still to come.
        let s = try session.time(start, option: "START", planning: true)
        var e = try session.time(end, option: "END", planning: true)
        if e <= s, ShiftPattern.parseClock(end) != nil {
            // 22:00 06:00, or -1h 02:00: the end is the next day's.
            let local = session.calendar.localDateTime(e)
            if let next = LocalDateTime(
                date: local.date.adding(days: 1), hour: local.hour, minute: local.minute,
                second: local.second)
            {
                e = try session.calendar.instant(for: next)
            }
        }
        guard e > s else { throw CommandError.field("END", "is not after START") }
        if let problem = Shift.lengthProblem(TimeSpan(start: s, end: e), calendar: session.calendar) {
            throw CommandError.field("END", problem)
        }
        let cal = session.calendar
        return try session.write("shift add") { tx in
            let m = try session.mentor(mentor, in: tx)
            let span = TimeSpan(start: s, end: e)
            try checkNoOverlap(span, mentor: m.id, tx: tx, cal: cal)
            try tx.insertShift(Shift(mentorID: m.id, span: span))
            return "Shift for \(m.id): \(s.weekdayName(cal)) \(cal.shortString(s)) – \(cal.shortString(e)) (\(String(format: "%.1f", Double(span.seconds) / 3600)) h)."
        }
    }
}

struct ShiftWeekly: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "weekly",
        abstract: "Add a shift on each matching day from --from to --until (both included).",
        discussion: """
            DAYS: mon-fri, sat,sun, mon,wed,fri, daily. TIMES: HH:MM-HH:MM; an end before the \
            start means the next day (22:00-06:00). --from defaults to today and --until to \
            four weeks after --from. Shifts are real times in the site's zone, so a night \
            shift over a clock change is 9 or 7 hours long.

            Examples:
              shift weekly M1 mon-fri 09:00-17:00
              shift weekly M2 sat,sun 22:00-06:00 --from 2026-10-01 --until 2026-12-31
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id.") var mentor: String
    @Argument(help: "Days: mon-fri, sat,sun, daily, …") var days: String
    @Argument(help: "Times: HH:MM-HH:MM.") var times: String
    @Option(help: "First date, YYYY-MM-DD (default today).") var from: String?
    @Option(help: "Last date, YYYY-MM-DD (default four weeks on).") var until: String?

    func execute(_ session: Session) throws -> String {
        let cal = session.calendar
        let pattern: ShiftPattern
        do { pattern = try ShiftPattern(days: days, times: times) } catch {
            throw CommandError(error.description)
        }
        let first = try from.map { try session.date($0, option: "--from") } ?? cal.localDate(session.now)
        let last = try until.map { try session.date($0, option: "--until") } ?? first.adding(days: 27)
        guard last >= first else { throw CommandError.field("--until", "is before --from") }
        guard last.daysSinceEpoch - first.daysSinceEpoch <= 366 else {
            throw CommandError.field("--until", "is more than a year after --from; add a year at a time")
        }
        let spans: [(LocalDate, TimeSpan)]
        do { spans = try pattern.spans(from: first, until: last, calendar: cal) } catch {
            throw CommandError(error.description)
        }
        if spans.isEmpty { throw CommandError("DAYS: no \(days) falls between \(first) and \(last)") }
        for (date, span) in spans {
            if let problem = Shift.lengthProblem(span, calendar: cal) {
                throw CommandError.field("TIMES", "on \(date) \(problem)")
            }
        }
        return try session.write("shift weekly") { tx in
            let m = try session.mentor(mentor, in: tx)
            var hours = 0.0
            for (_, span) in spans {
                try checkNoOverlap(span, mentor: m.id, tx: tx, cal: cal)
                try tx.insertShift(Shift(mentorID: m.id, span: span))
                hours += Double(span.seconds) / 3600
            }
            return "Added \(spans.count) shift(s) for \(m.id) from \(first) to \(last), \(String(format: "%.1f", hours)) hours in all."
        }
    }
}

struct ShiftRemove: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a mentor's shifts that start from FROM to TO (a mistake, a changed rota).",
        discussion: """
            FROM and TO are dates (whole days, TO included) or times. Each removed shift is \
            recorded in the audit log. People already assigned keep their mentor.

            Examples:
              shift remove M1 2026-12-24 2026-12-26
              shift remove M1 2026-11-23T18:00 2026-11-23T18:00
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id.") var mentor: String
    @Argument(help: "First day (YYYY-MM-DD) or time.") var from: String
    @Argument(help: "Last day (included) or time (included).") var to: String

    func execute(_ session: Session) throws -> String {
        let cal = session.calendar
        let start = try LocalDate(from).map { cal.startOfDay($0) } ?? session.time(from, option: "FROM", planning: true)
        let end = try LocalDate(to).map { cal.startOfDay($0.adding(days: 1)) }
            ?? session.time(to, option: "TO", planning: true).addingTimeInterval(1)
        guard end > start else { throw CommandError.field("TO", "is before FROM") }
        return try session.write("shift remove") { tx in
            let m = try session.mentor(mentor, in: tx)
            let doomed = try tx.shifts(mentor: m.id, overlapping: TimeSpan(start: start, end: end))
                .filter { $0.span.start >= start && $0.span.start < end }
            if doomed.isEmpty {
                throw CommandError("\(m.id) has no shift starting from \(cal.shortString(start)) to \(cal.shortString(end.addingTimeInterval(-1))); see 'show \(m.id)'")
            }
            try tx.deleteShifts(doomed)
            return "Removed \(doomed.count) shift(s) of \(m.id)."
        }
    }
}
