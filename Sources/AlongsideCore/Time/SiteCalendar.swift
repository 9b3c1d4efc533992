import Foundation

/// The site's time zone and the conversions between instants and local civil time.
///
/// Instants are handled to the whole second (sub-seconds are dropped, rounding down). Only
/// `TimeZone` is used from Foundation, for the zone's UTC offset at a given instant; all
/// calendar arithmetic is done here, so the operating system's own zone never matters.
public struct SiteCalendar: Sendable {
    /// The site's time zone.
    public let timeZone: TimeZone

    /// A calendar for the given time zone.
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// A calendar for the named time zone (e.g. `Europe/London`), or nil if it is unknown.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(timeZone: zone)
    }

    /// The default site calendar: `Europe/London` (GMT in winter, BST in summer).
    public static let london: SiteCalendar = {
        guard let calendar = SiteCalendar(identifier: "Europe/London") else {
            fatalError("The Europe/London time zone is not available on this system")
        }
        return calendar
    }()

    /// The zone's offset from UTC, in seconds, at `instant` (3600 during BST, 0 during GMT).
    public func offsetSeconds(at instant: Date) -> Int {
        offset(atSecond: Self.wholeSeconds(instant))
    }

    /// The local date and time, to the second, at `instant`.
    public func localDateTime(_ instant: Date) -> LocalDateTime {
        let seconds = Self.wholeSeconds(instant)
        return LocalDateTime(secondsSinceEpoch: seconds + offset(atSecond: seconds))
    }

    /// The local date at `instant`.
    public func localDate(_ instant: Date) -> LocalDate {
        localDateTime(instant).date
    }

    /// The instant at which the local clock reads `local`.
    ///
    /// First occurrence when ambiguous (clocks go back); throws .nonexistentLocalTime when it
    /// falls in a spring-forward gap.
    public func instant(for local: LocalDateTime) throws(TimeParseError) -> Date {
        guard let seconds = firstSecond(showing: local.secondsSinceEpoch) else {
            throw .nonexistentLocalTime(local.compactDescription)
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// 00:00 local of that date (the first instant of the day; if midnight were in a gap, the
    /// first instant after it).
    public func startOfDay(_ date: LocalDate) -> Date {
        let wall = date.daysSinceEpoch * 86_400
        if let seconds = firstSecond(showing: wall) {
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        // Midnight falls in a gap: find the first instant whose local reading is at or after
        // it, by bisection over the instants that could show it under either offset.
        let offsets = candidateOffsets(aroundWall: wall)
        var low = wall - (offsets.max() ?? 0)  // shows a reading before midnight
        var high = wall - (offsets.min() ?? 0)  // shows a reading at or after midnight
        guard low < high, low + offset(atSecond: low) < wall,
            high + offset(atSecond: high) >= wall
        else {
            return Date(timeIntervalSince1970: TimeInterval(wall - offset(atSecond: wall)))
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(atSecond: middle) >= wall {
                high = middle
            } else {
                low = middle
            }
        }
        return Date(timeIntervalSince1970: TimeInterval(high))
    }

    /// The ISO week, in local time, that contains `instant`.
    public func week(of instant: Date) -> ISOWeek {
        ISOWeek(containing: localDate(instant))
    }

    /// [start, end) instants of the ISO week in local time (Mon 00:00 to next Mon 00:00).
    public func interval(of week: ISOWeek) -> (start: Date, end: Date) {
        let monday = week.monday
        return (startOfDay(monday), startOfDay(monday.adding(days: 7)))
    }

    /// "2026-11-16T09:14:05+00:00" — local time with its offset (BST shows +01:00). Machine
    /// format.
    public func isoString(_ instant: Date) -> String {
        let seconds = Self.wholeSeconds(instant)
        let offset = offset(atSecond: seconds)
        let local = LocalDateTime(secondsSinceEpoch: seconds + offset)
        return local.description + Self.offsetText(offset)
    }

    /// "2026-11-16 09:14" — short human format in local time.
    public func shortString(_ instant: Date) -> String {
        let local = localDateTime(instant)
        return "\(local.date) \(local.hoursAndMinutes)"
    }

    /// "09:14" local.
    public func timeString(_ instant: Date) -> String {
        localDateTime(instant).hoursAndMinutes
    }

    /// The last complete ISO week before the one containing `now`.
    public func lastCompleteWeek(now: Date) -> ISOWeek {
        week(of: now).adding(weeks: -1)
    }

    // MARK: - Internals

    /// Whole seconds since the Unix epoch, rounding down (sub-seconds are dropped).
    static func wholeSeconds(_ instant: Date) -> Int {
        Int(instant.timeIntervalSince1970.rounded(.down))
    }

    /// `+HH:MM` / `-HH:MM` (with `:SS` only for an offset that is not whole minutes).
    static func offsetText(_ offset: Int) -> String {
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        var text =
            sign + CivilTextScan.pad(magnitude / 3_600, 2) + ":"
            + CivilTextScan.pad(magnitude % 3_600 / 60, 2)
        if magnitude % 60 != 0 {
            text += ":" + CivilTextScan.pad(magnitude % 60, 2)
        }
        return text
    }

    func offset(atSecond seconds: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The offsets in force a day either side of (and at) a wall-clock reading taken as UTC;
    /// any instant showing that reading uses one of them.
    func candidateOffsets(aroundWall wall: Int) -> [Int] {
        var offsets: [Int] = []
        for probe in [wall - 86_400, wall, wall + 86_400] {
            let offset = offset(atSecond: probe)
            if !offsets.contains(offset) { offsets.append(offset) }
        }
        return offsets
    }

    /// The earliest instant (whole seconds since the epoch) at which the local clock reads
    /// `wall` (a wall-clock reading in seconds as if UTC), or nil if it never does.
    func firstSecond(showing wall: Int) -> Int? {
        var first: Int?
        for offset in candidateOffsets(aroundWall: wall) {
            let candidate = wall - offset
            if self.offset(atSecond: candidate) == offset, candidate < (first ?? Int.max) {
                first = candidate
            }
        }
        return first
    }
}
