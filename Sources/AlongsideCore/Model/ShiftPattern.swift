import Foundation

/// A problem in a weekly pattern.
public struct ShiftPatternError: Error, CustomStringConvertible, Equatable {
    /// Which part (`DAYS`, `TIMES`).
    public var field: String
    /// What is wrong.
    public var message: String
    /// `FIELD: message`.
    public var description: String { "\(field): \(message)" }
}

/// A weekly shift pattern: some weekdays, a local start and end time (an end before the
/// start means the next day).
public struct ShiftPattern: Sendable, Equatable {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public var weekdays: Set<Int>
    /// Local start, minutes after midnight.
    public var startMinute: Int
    /// Local end, minutes after midnight (≤ start means the next day).
    public var endMinute: Int

    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Parses `mon-fri`, `sat,sun`, `mon,wed-fri`, `daily` and `HH:MM-HH:MM`.
    public init(days: String, times: String) throws(ShiftPatternError) {
        weekdays = try Self.parseDays(days)
        let parts = times.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let s = Self.parseClock(parts[0]), let e = Self.parseClock(parts[1])
        else {
            throw ShiftPatternError(
                field: "TIMES", message: "'\(times)' is not HH:MM-HH:MM (e.g. 09:00-17:00 or 22:00-06:00)")
        }
        guard s != e else {
            throw ShiftPatternError(field: "TIMES", message: "the start and end are the same")
        }
        startMinute = s
        endMinute = e
    }

    /// ISO weekdays from a days expression.
    public static func parseDays(_ text: String) throws(ShiftPatternError) -> Set<Int> {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        if t == "daily" || t == "all" || t == "every" { return Set(1...7) }
        if t == "weekdays" { return Set(1...5) }
        if t == "weekends" { return [6, 7] }
        var result: Set<Int> = []
        for part in t.split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false).map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
            func day(_ s: String) throws(ShiftPatternError) -> Int {
                let key = String(s.prefix(3))
                guard s.count >= 3, let i = dayNames.firstIndex(of: key),
                    "monday tuesday wednesday thursday friday saturday sunday".split(separator: " ")[i]
                        .hasPrefix(s)
                else {
                    throw ShiftPatternError(
                        field: "DAYS",
                        message: "'\(s)' is not a day; use mon, tue, wed, thu, fri, sat, sun, ranges like mon-fri, lists like sat,sun, or daily"
                            + Suggestion.didYouMean(s, in: dayNames))
                }
                return i + 1
            }
            if ends.count == 1 {
                result.insert(try day(ends[0]))
            } else if ends.count == 2 {
                let a = try day(ends[0])
                let b = try day(ends[1])
                var d = a
                while true {
                    result.insert(d)
                    if d == b { break }
                    d = d % 7 + 1
                }
            } else {
                throw ShiftPatternError(field: "DAYS", message: "'\(part)' is not a day or a range")
            }
        }
        if result.isEmpty { throw ShiftPatternError(field: "DAYS", message: "give at least one day") }
        return result
    }

    /// Minutes after midnight for `HH:MM` (00:00–24:00).
    public static func parseClock(_ text: String) -> Int? {
        let p = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard p.count == 2, p[0].count <= 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]),
            (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 24 * 60
        else { return nil }
        return h * 60 + m
    }

    /// The shifts the pattern makes on each matching date from `from` to `until`, both
    /// included, as real instants in the site's zone (so a night shift across a clock
    /// change has its real length).
    public func spans(from: LocalDate, until: LocalDate, calendar: SiteCalendar)
        throws(ShiftPatternError) -> [(LocalDate, TimeSpan)]
    {
        var result: [(LocalDate, TimeSpan)] = []
        var d = from
        while d <= until {
            if weekdays.contains(d.weekday) {
                let endDate = endMinute <= startMinute ? d.adding(days: 1) : d
                let start = try Self.instant(d, startMinute, calendar)
                let end = try Self.instant(endDate, endMinute, calendar)
                result.append((d, TimeSpan(start: start, end: end)))
            }
            d = d.adding(days: 1)
        }
        return result
    }

    static func instant(_ date: LocalDate, _ minute: Int, _ calendar: SiteCalendar)
        throws(ShiftPatternError) -> Date
    {
        if minute == 24 * 60 { return calendar.startOfDay(date.adding(days: 1)) }
        guard let local = LocalDateTime(date: date, hour: minute / 60, minute: minute % 60) else {
            throw ShiftPatternError(field: "TIMES", message: "bad time")
        }
        do { return try calendar.instant(for: local) } catch {
            throw ShiftPatternError(
                field: "TIMES",
                message: "\(local) does not exist (the clocks go forward that night); move the shift's start or end on \(date)")
        }
    }
}
