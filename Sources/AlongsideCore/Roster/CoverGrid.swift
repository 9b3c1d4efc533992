// The week's cover (`roster week`): how many cleared mentors are on shift in each hour.

import Foundation

/// One day of the cover grid.
public struct CoverDay: Sendable, Equatable {
    /// The site-local date.
    public var date: LocalDate
    /// For each local hour 00…23, the fewest cleared mentors on shift at any moment of that
    /// hour; nil for an hour the day does not have (the clocks go forward).
    public var hours: [Int?]
}

/// A run of whole hours on one day with the same kind of cover (a gap, or thin cover).
public struct CoverRun: Sendable, Equatable {
    /// The site-local date.
    public var date: LocalDate
    /// First hour of the run, 0…23.
    public var fromHour: Int
    /// The hour after the run, 1…24.
    public var toHour: Int

    /// Makes a run.
    public init(date: LocalDate, fromHour: Int, toHour: Int) {
        self.date = date
        self.fromHour = fromHour
        self.toHour = toHour
    }

    /// `HH:00`.
    public var fromText: String { Self.clock(fromHour) }
    /// `HH:00` (`24:00` for the end of the day).
    public var toText: String { Self.clock(toHour) }

    static func clock(_ hour: Int) -> String { (hour < 10 ? "0" : "") + "\(hour):00" }
}

/// The cover for one ISO week.
public struct CoverWeek: Sendable, Equatable {
    /// The week.
    public var week: ISOWeek
    /// Monday to Sunday.
    public var days: [CoverDay]
    /// Hours with no cleared mentor on shift for some or all of the hour.
    public var gaps: [CoverRun]
    /// Hours where at some moment only one cleared mentor is on shift (and never none).
    public var thin: [CoverRun]
    /// Tags no cleared mentor on shift in the week has as experience, in catalogue order.
    public var uncoveredTags: [String]
}

/// Works out the cover grid of `roster week`.
///
/// A mentor is *cleared* at an instant when they are active, their DBS recheck is not
/// overdue on that local date, and they are on no leave; they *cover* it when, besides, one
/// of their shifts contains it. An hour's figure is the **minimum** number of cleared
/// mentors on shift at any moment of that local hour (so a mentor who leaves at 09:30 does
/// not count for 09:00–10:00): the cover the desk can rely on for the whole hour. When the
/// clocks go back the repeated hour covers both real hours.
public enum CoverGrid {
    /// The cover for `week`.
    ///
    /// - Parameters:
    ///   - mentors: the roster (status and DBS recheck dates are as they are now).
    ///   - shifts: shifts overlapping the week (more are fine).
    ///   - leave: leave overlapping the week (more is fine).
    ///   - tags: tag ids to check for cover, in the order to report them.
    ///   - calendar: the site's calendar.
    public static func week(
        _ week: ISOWeek, mentors: [Mentor], shifts: [Shift], leave: [Leave], tags: [String],
        calendar: SiteCalendar
    ) -> CoverWeek {
        var shiftsBy: [String: [TimeSpan]] = [:]
        for s in shifts { shiftsBy[s.mentorID.lowercased(), default: []].append(s.span) }
        var leaveBy: [String: [TimeSpan]] = [:]
        for l in leave { leaveBy[l.mentorID.lowercased(), default: []].append(l.span) }
        // On-shift and not on leave, per active mentor.
        var onDuty: [(mentor: Mentor, spans: [TimeSpan])] = []
        for m in mentors where m.status == .active {
            let key = m.id.lowercased()
            let spans = subtract(merge(shiftsBy[key] ?? []), merge(leaveBy[key] ?? []))
            if !spans.isEmpty { onDuty.append((m, spans)) }
        }

        var days: [CoverDay] = []
        var coveredTags = Set<String>()
        for offset in 0..<7 {
            let date = week.monday.adding(days: offset)
            let dayStart = calendar.startOfDay(date)
            let dayEnd = calendar.startOfDay(date.adding(days: 1))
            let cleared = onDuty.filter { !$0.mentor.dbsOverdue(on: date) }
            for (m, spans) in cleared
            where spans.contains(where: { $0.overlaps(TimeSpan(start: dayStart, end: dayEnd)) }) {
                coveredTags.formUnion(m.experience)
            }
            let slots = hourSlots(date, calendar: calendar)
            let hours: [Int?] = slots.map { slot in
                slot.map { minimumCover($0, cleared.map(\.spans)) }
            }
            days.append(CoverDay(date: date, hours: hours))
        }
        return CoverWeek(
            week: week, days: days, gaps: runs(days, where: { $0 == 0 }),
            thin: runs(days, where: { $0 == 1 }),
            uncoveredTags: tags.filter { !coveredTags.contains($0) })
    }

    /// The real interval each local hour of `date` covers; nil for an hour the day lacks.
    static func hourSlots(_ date: LocalDate, calendar: SiteCalendar) -> [TimeSpan?] {
        var slots = [TimeSpan?](repeating: nil, count: 24)
        let end = calendar.startOfDay(date.adding(days: 1))
        var t = calendar.startOfDay(date)
        // Zone offsets are whole quarter hours, so quarter-hour steps find every boundary.
        while t < end {
            let next = min(t.addingTimeInterval(900), end)
            let local = calendar.localDateTime(t)
            if local.date == date {
                let h = local.hour
                if let s = slots[h] {
                    slots[h] = TimeSpan(start: s.start, end: next)
                } else {
                    slots[h] = TimeSpan(start: t, end: next)
                }
            }
            t = next
        }
        return slots
    }

    /// The fewest mentors on duty at any instant of `slot` (each mentor's spans disjoint).
    static func minimumCover(_ slot: TimeSpan, _ mentors: [[TimeSpan]]) -> Int {
        // The count changes only where a span starts or ends.
        var points = [slot.start]
        for spans in mentors {
            for s in spans {
                if s.start > slot.start && s.start < slot.end { points.append(s.start) }
                if s.end > slot.start && s.end < slot.end { points.append(s.end) }
            }
        }
        var lowest = Int.max
        for p in points {
            let n = mentors.reduce(0) { $0 + ($1.contains(where: { $0.contains(p) }) ? 1 : 0) }
            lowest = min(lowest, n)
            if lowest == 0 { break }
        }
        return lowest
    }

    /// Sorted, merged spans.
    static func merge(_ spans: [TimeSpan]) -> [TimeSpan] {
        var result: [TimeSpan] = []
        for s in spans.sorted(by: { $0.start < $1.start }) where s.end > s.start {
            if let last = result.last, s.start <= last.end {
                result[result.count - 1].end = max(last.end, s.end)
            } else {
                result.append(s)
            }
        }
        return result
    }

    /// `spans` with the parts inside `holes` removed (both sorted and merged).
    static func subtract(_ spans: [TimeSpan], _ holes: [TimeSpan]) -> [TimeSpan] {
        var result: [TimeSpan] = []
        for s in spans {
            var pieces = [s]
            for h in holes where h.overlaps(s) {
                pieces = pieces.flatMap { p -> [TimeSpan] in
                    guard p.overlaps(h) else { return [p] }
                    var out: [TimeSpan] = []
                    if p.start < h.start { out.append(TimeSpan(start: p.start, end: h.start)) }
                    if h.end < p.end { out.append(TimeSpan(start: h.end, end: p.end)) }
                    return out
                }
            }
            result += pieces
        }
        return result
    }

    /// Runs of hours matching `test` on each day; an hour the day lacks does not break a run.
    static func runs(_ days: [CoverDay], where test: (Int) -> Bool) -> [CoverRun] {
        var result: [CoverRun] = []
        for day in days {
            var open: CoverRun?
            for (hour, value) in day.hours.enumerated() {
                guard let value else { continue }
                if test(value) {
                    if open == nil { open = CoverRun(date: day.date, fromHour: hour, toHour: hour) }
                    open!.toHour = hour + 1
                } else if let run = open {
                    result.append(run)
                    open = nil
                }
            }
            if let run = open { result.append(run) }
        }
        return result
    }
}
