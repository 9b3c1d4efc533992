// Civil (calendar) dates, local date-times and ISO 8601 weeks, with no time zone attached.
// The arithmetic is done by hand (days-from-civil / civil-from-days, after Howard Hinnant)
// so that it is fast, exact and independent of the operating system's calendar and zone.

/// A calendar date in the proleptic Gregorian calendar, with no time zone attached.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The year, e.g. 2026.
    public var year: Int
    /// The month, 1 (January) to 12 (December).
    public var month: Int
    /// The day of the month, starting at 1.
    public var day: Int

    /// Creates a date, or returns nil if the year, month and day do not name a real date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month),
            day >= 1, day <= LocalDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses strictly `YYYY-MM-DD` (four-digit year, two-digit month and day); nil otherwise
    /// or when the date does not exist (e.g. `2026-02-30`).
    public init?(_ text: String) {
        guard let fields = CivilTextScan.dateFields(Array(text.utf8)[...]) else { return nil }
        self.init(year: fields.year, month: fields.month, day: fields.day)
    }

    /// Creates the date that is `daysSinceEpoch` days after 1970-01-01 (negative is before).
    public init(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra =
            (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`, e.g. `2026-11-16`.
    public var description: String {
        let yearText = year < 0 ? "-" + CivilTextScan.pad(-year, 4) : CivilTextScan.pad(year, 4)
        return "\(yearText)-\(CivilTextScan.pad(month, 2))-\(CivilTextScan.pad(day, 2))"
    }

    /// Days since 1970-01-01 (which is day 0).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let zeroBasedFromMonday = (daysSinceEpoch + 3) % 7
        return (zeroBasedFromMonday < 0 ? zeroBasedFromMonday + 7 : zeroBasedFromMonday) + 1
    }

    /// The abbreviated English weekday name: "Mon" … "Sun".
    public var weekdayName: String {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][weekday - 1]
    }

    /// The day of the year, 1 for 1 January.
    var dayOfYear: Int {
        daysSinceEpoch - LocalDate(uncheckedYear: year, month: 1, day: 1).daysSinceEpoch + 1
    }

    /// Orders dates chronologically.
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    init(uncheckedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A date and a wall-clock time to the second, with no time zone attached.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The calendar date.
    public var date: LocalDate
    /// The hour, 0 to 23.
    public var hour: Int
    /// The minute, 0 to 59.
    public var minute: Int
    /// The second, 0 to 59.
    public var second: Int

    /// Creates a local date-time, or returns nil when hour, minute or second is out of range
    /// (hour 0–23, minute 0–59, second 0–59).
    public init?(date: LocalDate, hour: Int, minute: Int, second: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The local date-time `secondsSinceEpoch` seconds after 1970-01-01T00:00:00 (no zone).
    init(secondsSinceEpoch: Int) {
        var days = secondsSinceEpoch / 86_400
        var rest = secondsSinceEpoch % 86_400
        if rest < 0 {
            days -= 1
            rest += 86_400
        }
        self.date = LocalDate(daysSinceEpoch: days)
        self.hour = rest / 3_600
        self.minute = rest % 3_600 / 60
        self.second = rest % 60
    }

    /// Seconds since 1970-01-01T00:00:00 reading this wall-clock time as if it were UTC.
    var secondsSinceEpoch: Int {
        date.daysSinceEpoch * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// `YYYY-MM-DDTHH:MM:SS`, e.g. `2026-11-16T09:14:05`.
    public var description: String {
        "\(date)T\(hoursAndMinutes):\(CivilTextScan.pad(second, 2))"
    }

    /// `HH:MM`.
    var hoursAndMinutes: String {
        "\(CivilTextScan.pad(hour, 2)):\(CivilTextScan.pad(minute, 2))"
    }

    /// `YYYY-MM-DDTHH:MM`, with `:SS` added only when the second is not zero.
    var compactDescription: String {
        second == 0 ? "\(date)T\(hoursAndMinutes)" : description
    }

    /// Orders local date-times chronologically (as wall-clock readings).
    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.date, lhs.hour, lhs.minute, lhs.second) < (rhs.date, rhs.hour, rhs.minute, rhs.second)
    }
}

/// An ISO 8601 week (Monday to Sunday), identified by its week-numbering year and week number.
public struct ISOWeek: Hashable, Comparable, Sendable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The ISO week-numbering year (the calendar year of the week's Thursday).
    public var year: Int
    /// The week number, 1 to 52 or 53.
    public var week: Int

    /// Creates a week, or returns nil unless `week` is between 1 and the number of ISO weeks
    /// in `year` (52 or 53).
    public init?(year: Int, week: Int) {
        guard week >= 1, week <= ISOWeek.weeksIn(year: year) else { return nil }
        self.year = year
        self.week = week
    }

    /// Parses `YYYY-Www` (e.g. `2026-W47`; a lowercase `w` is also accepted); nil otherwise or
    /// when the year has no such week.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, bytes[4] == UInt8(ascii: "-"),
            bytes[5] == UInt8(ascii: "W") || bytes[5] == UInt8(ascii: "w"),
            let year = CivilTextScan.digits(bytes[0..<4]),
            let week = CivilTextScan.digits(bytes[6..<8])
        else { return nil }
        self.init(year: year, week: week)
    }

    /// The ISO week that contains `date`.
    public init(containing date: LocalDate) {
        let thursday = date.adding(days: 4 - date.weekday)
        self.year = thursday.year
        self.week = (thursday.dayOfYear - 1) / 7 + 1
    }

    /// The Monday that starts the week.
    public var monday: LocalDate {
        let january4 = LocalDate(uncheckedYear: year, month: 1, day: 4)
        return january4.adding(days: 1 - january4.weekday + 7 * (week - 1))
    }

    /// The Sunday that ends the week.
    public var sunday: LocalDate { monday.adding(days: 6) }

    /// `YYYY-Www`, e.g. `2026-W47`.
    public var description: String {
        "\(CivilTextScan.pad(year, 4))-W\(CivilTextScan.pad(week, 2))"
    }

    /// The week `weeks` weeks later (earlier when negative).
    public func adding(weeks: Int) -> ISOWeek {
        ISOWeek(containing: monday.adding(days: 7 * weeks))
    }

    /// The weeks from `first` through `last`, oldest first (none when `last < first`).
    public static func weeks(from first: ISOWeek, through last: ISOWeek) -> [ISOWeek] {
        var weeks: [ISOWeek] = []
        var week = first
        while week <= last {
            weeks.append(week)
            week = week.adding(weeks: 1)
        }
        return weeks
    }

    /// Orders weeks chronologically.
    public static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool {
        (lhs.year, lhs.week) < (rhs.year, rhs.week)
    }

    /// 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52.
    static func weeksIn(year: Int) -> Int {
        ISOWeek(containing: LocalDate(uncheckedYear: year, month: 12, day: 28)).week
    }
}

/// Small helpers for the fixed-width ASCII forms used by dates and times.
enum CivilTextScan {
    /// The value of a run of ASCII digits (all of it must be digits, 1 to 18 of them).
    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Splits exactly `YYYY-MM-DD` into its fields without checking that the date exists.
    static func dateFields(_ bytes: ArraySlice<UInt8>) -> (year: Int, month: Int, day: Int)? {
        let s = bytes.startIndex
        guard bytes.count == 10, bytes[s + 4] == UInt8(ascii: "-"),
            bytes[s + 7] == UInt8(ascii: "-"),
            let year = digits(bytes[s..<s + 4]),
            let month = digits(bytes[s + 5..<s + 7]),
            let day = digits(bytes[s + 8..<s + 10])
        else { return nil }
        return (year, month, day)
    }

    /// Decimal representation of a non-negative number, zero-padded to at least `width` digits.
    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
