import Foundation

/// Why a time or date argument (or CSV field) was refused.
public enum TimeParseError: Error, Equatable, CustomStringConvertible {
    /// The text is in none of the accepted forms (the payload is the text as given).
    case unrecognised(String)
    /// The text has the shape of a date but names no real date (the payload is the date part).
    case invalidDate(String)
    /// The local time falls in the gap when the clocks go forward (the payload is the local
    /// time as `YYYY-MM-DDTHH:MM`, with `:SS` when not zero).
    case nonexistentLocalTime(String)

    /// The message to show (no "error:" prefix).
    public var description: String {
        switch self {
        case .unrecognised(let text):
            return "'\(text)' is not a time: use 2026-11-16T09:14, 2026-11-16 09:14, 09:14, -15m"
                + " or an ISO 8601 time with offset"
        case .invalidDate(let text):
            return "'\(text)' is not a real date (use YYYY-MM-DD)"
        case .nonexistentLocalTime(let text):
            return "'\(text)' does not exist in Europe/London (the clocks go forward then)"
        }
    }
}

extension SiteCalendar {
    /// Parses any accepted time argument (see spec). `now` supplies "today" and the base for
    /// -15m.
    ///
    /// Accepted, after trimming surrounding spaces and tabs:
    /// - `2026-11-16T09:14`, `2026-11-16T09:14:05`, `2026-11-16 09:14` or
    ///   `2026-11-16 09:14:05` (the way the console prints times): site-local time (the first
    ///   one when the clocks go back; refused in the gap when they go forward);
    /// - `2026-11-16T09:14:05+00:00`, `…-05:00` or `…Z`: ISO 8601 with an offset (seconds
    ///   optional; fractional seconds are accepted and dropped);
    /// - `09:14`, `9:14` or `09:14:05`: the latest such local time that is not after `now`
    ///   (so `23:50` typed at 00:10 means last night);
    /// - `-15m`, `-2h`: that many minutes or hours before `now`, to the second.
    public func parseTime(_ text: String, now: Date) throws(TimeParseError) -> Date {
        try parseTime(text, now: now, clockToday: false)
    }

    /// As ``parseTime(_:now:)``, except that with `clockToday` a bare clock time (`18:00`)
    /// means that time today even when it is still to come: the form for planning (a shift
    /// or leave typed in the morning for tonight).
    public func parseTime(_ text: String, now: Date, clockToday: Bool) throws(TimeParseError)
        -> Date
    {
        let trimmed = Self.trimmed(text)
        let bytes = Array(trimmed.utf8)[...]
        let refusal = TimeParseError.unrecognised(trimmed)

        if bytes.first == UInt8(ascii: "-") {
            guard bytes.count >= 3, bytes.count <= 10,
                let amount = CivilTextScan.digits(bytes.dropFirst().dropLast())
            else { throw refusal }
            let unit: Int
            switch bytes.last {
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "h"): unit = 3_600
            default: throw refusal
            }
            let seconds = Self.wholeSeconds(now) - amount * unit
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }

        if let clock = Self.clockFields(bytes) ?? Self.clockFields(padded: bytes) {
            // The latest such time not in the future: today's if the clock has reached it,
            // else yesterday's (compared on the wall clock, so a clock change between does
            // not move the day).
            let current = localDateTime(now)
            let reached =
                clockToday
                || (clock.hour, clock.minute, clock.second)
                    <= (current.hour, current.minute, current.second)
            guard
                let local = LocalDateTime(
                    date: reached ? current.date : current.date.adding(days: -1),
                    hour: clock.hour, minute: clock.minute, second: clock.second)
            else { throw refusal }
            return try instant(for: local)
        }

        // YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]
        let s = bytes.startIndex
        guard bytes.count >= 16,
            bytes[s + 10] == UInt8(ascii: "T") || bytes[s + 10] == UInt8(ascii: " "),
            let dateFields = CivilTextScan.dateFields(bytes[s..<s + 10])
        else { throw refusal }
        var rest = bytes[(s + 11)...]
        var clockEnd = rest.startIndex + 5
        if rest.count >= 8, rest[clockEnd] == UInt8(ascii: ":") {
            clockEnd += 3
        }
        guard let clock = Self.clockFields(rest[..<clockEnd]) else { throw refusal }
        rest = rest[clockEnd...]

        var hasFraction = false
        if rest.first == UInt8(ascii: "."), clockEnd == s + 19 {
            rest = rest.dropFirst()
            let digitCount = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                .count
            guard digitCount > 0 else { throw refusal }
            rest = rest.dropFirst(digitCount)
            hasFraction = true
        }

        let offset: Int?
        if rest.isEmpty {
            offset = nil
        } else if rest.count == 1, rest.first == UInt8(ascii: "Z") {
            offset = 0
        } else if let parsed = Self.offsetSeconds(rest) {
            offset = parsed
        } else {
            throw refusal
        }
        if hasFraction && offset == nil { throw refusal }

        guard
            let date = LocalDate(
                year: dateFields.year, month: dateFields.month, day: dateFields.day)
        else { throw .invalidDate(String(decoding: bytes[s..<s + 10], as: UTF8.self)) }
        guard
            let local = LocalDateTime(
                date: date, hour: clock.hour, minute: clock.minute, second: clock.second)
        else { throw refusal }

        if let offset {
            return Date(timeIntervalSince1970: TimeInterval(local.secondsSinceEpoch - offset))
        }
        return try instant(for: local)
    }

    /// Parses YYYY-MM-DD.
    ///
    /// Surrounding spaces and tabs are ignored; anything else that is not a real date in
    /// exactly that form throws `.invalidDate` with the text.
    public func parseDate(_ text: String) throws(TimeParseError) -> LocalDate {
        let trimmed = Self.trimmed(text)
        guard let date = LocalDate(trimmed) else { throw .invalidDate(trimmed) }
        return date
    }

    // MARK: - Internals

    static func trimmed(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// `H:MM` or `H:MM:SS` (a one-digit hour, as people type `9:14`) into fields, unchecked.
    static func clockFields(padded bytes: ArraySlice<UInt8>) -> (hour: Int, minute: Int, second: Int)? {
        guard bytes.count == 4 || bytes.count == 7, let first = bytes.first,
            first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9")
        else { return nil }
        return clockFields(ArraySlice([UInt8(ascii: "0")] + Array(bytes)))
    }

    /// Splits exactly `HH:MM` or `HH:MM:SS` (two digits each) into fields, unchecked.
    static func clockFields(_ bytes: ArraySlice<UInt8>) -> (hour: Int, minute: Int, second: Int)? {
        let s = bytes.startIndex
        guard bytes.count == 5 || bytes.count == 8, bytes[s + 2] == UInt8(ascii: ":"),
            let hour = CivilTextScan.digits(bytes[s..<s + 2]),
            let minute = CivilTextScan.digits(bytes[s + 3..<s + 5])
        else { return nil }
        guard bytes.count == 8 else { return (hour, minute, 0) }
        guard bytes[s + 5] == UInt8(ascii: ":"),
            let second = CivilTextScan.digits(bytes[s + 6..<s + 8])
        else { return nil }
        return (hour, minute, second)
    }

    /// Parses exactly `+HH:MM` or `-HH:MM` (HH 00–23, MM 00–59) into seconds east of UTC.
    static func offsetSeconds(_ bytes: ArraySlice<UInt8>) -> Int? {
        let s = bytes.startIndex
        guard bytes.count == 6, bytes[s + 3] == UInt8(ascii: ":"),
            bytes[s] == UInt8(ascii: "+") || bytes[s] == UInt8(ascii: "-"),
            let hours = CivilTextScan.digits(bytes[s + 1..<s + 3]),
            let minutes = CivilTextScan.digits(bytes[s + 4..<s + 6]),
            hours <= 23, minutes <= 59
        else { return nil }
        let magnitude = hours * 3_600 + minutes * 60
        return bytes[s] == UInt8(ascii: "-") ? -magnitude : magnitude
    }
}
