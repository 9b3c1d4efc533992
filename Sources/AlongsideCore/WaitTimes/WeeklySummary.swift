import Foundation

/// One row of a break-down (by locality or by need).
public struct SummaryGroup: Sendable, Equatable {
    /// The locality or need id.
    public var key: String
    /// Presentations in the group.
    public var presentations: Int
    /// Of those, seen with wait ≤ target.
    public var seenWithinTarget: Int
    /// 100 × seenWithinTarget / presentations, 1 decimal.
    public var withinTargetPct: Double?
    /// Median wait of the group's seen presentations.
    public var medianWait: ExactMinutes?
    /// Of the group's presentations, how many were seen (the median's sample size).
    public var seen: Int = 0
}

extension SummaryGroup {
    /// The groups of `presentations` under the keys each belongs to (a presentation counts
    /// once under each of its keys), with the headline's definitions: seen within target is
    /// a wait of at most `targetMinutes`, the share is of everyone in the group, the median
    /// is of the group's seen. Unordered.
    public static func groups(
        _ presentations: [Presentation], targetMinutes: Int, keys: (Presentation) -> [String]
    ) -> [SummaryGroup] {
        let targetSeconds = targetMinutes * 60
        var members: [String: [Int]] = [:]  // key → waits of the seen
        var counts: [String: Int] = [:]
        for p in presentations {
            for key in Set(keys(p)) {
                counts[key, default: 0] += 1
                if let wait = p.waitSeconds { members[key, default: []].append(wait) }
            }
        }
        return counts.map { key, count in
            let waits = members[key] ?? []
            let within = waits.filter { $0 <= targetSeconds }.count
            return SummaryGroup(
                key: key, presentations: count, seenWithinTarget: within,
                withinTargetPct: percentOneDecimal(within, of: count),
                medianWait: WaitStatistics.percentile(ofSorted: waits.sorted(), 0.5),
                seen: waits.count)
        }
    }

    /// The break-downs' order: most presentations first, then by key.
    public static func largestFirst(_ a: SummaryGroup, _ b: SummaryGroup) -> Bool {
        a.presentations != b.presentations ? a.presentations > b.presentations : a.key < b.key
    }
}

/// One mentor's week.
public struct SummaryMentor: Sendable, Equatable {
    /// The mentor's id.
    public var mentorID: String
    /// Presentations of the week assigned to the mentor.
    public var assigned: Int
    /// Of those, seen.
    public var seen: Int
    /// Real seconds of the mentor's shifts that start in the week.
    public var shiftSeconds: Int
    /// Seconds the mentor was signed in during the week (spec §11).
    public var signedInSeconds: Int = 0
    /// Shifts starting in the week that ended with no sign-in.
    public var noShows: Int = 0

    /// Signed-in hours (signedInSeconds / 3600).
    public var signedInHours: Double { Double(signedInSeconds) / 3_600 }

    /// Real hours of the mentor's shifts that start in the week (shiftSeconds / 3600).
    public var shiftHours: Double { Double(shiftSeconds) / 3_600 }

    /// The shift hours rounded half away from zero to 1 decimal, e.g. "17.0".
    public var shiftHoursOneDecimal: String {
        OneDecimal.format(
            tenths: OneDecimal.roundHalfAwayFromZero(shiftSeconds, times: 10, over: 3_600))
    }
}

/// The weekly wait-time summary of spec §6.
///
/// A week is an ISO week, Monday 00:00 to the next Monday 00:00 in the site's zone (so the
/// week the clocks go back is 169 real hours long and the one they go forward 167); a
/// presentation belongs to the week of its `arrivedAt`, whenever it was seen or closed.
public struct WeeklySummary: Sendable, Equatable {
    /// The ISO week.
    public var week: ISOWeek
    /// The target in force, minutes.
    public var targetMinutes: Int
    /// Presentations that arrived in the week.
    public var presentations: Int
    /// Of those, how many have been seen.
    public var seen: Int
    /// Of those, how many with wait ≤ target.
    public var seenWithinTarget: Int
    /// 100 × seenWithinTarget / presentations, 1 decimal (nil when no presentations).
    public var withinTargetPct: Double?
    /// Median, p90, mean and max of the waits of the seen.
    public var waits: WaitStatistics
    /// The waits of the seen, in seconds, sorted (for charts).
    public var waitSeconds: [Int]
    /// Not seen: counts by outcome and `still-waiting`.
    public var notSeen: [(String, Int)]
    /// Break-down by locality.
    public var byLocality: [SummaryGroup]
    /// Break-down by need (a presentation counts under each of its needs).
    public var byNeed: [SummaryGroup]
    /// Break-down by site (spec §9, `summary week --site all`), sorted by site: the same
    /// figures as the headline, for each site's presentations.
    public var bySite: [SummaryGroup]
    /// Every mentor with a shift starting in the week or an assignment of the week's
    /// presentations, by id.
    public var mentors: [SummaryMentor]

    /// Compares the figures (the tuple list is compared element by element).
    public static func == (a: WeeklySummary, b: WeeklySummary) -> Bool {
        a.week == b.week && a.targetMinutes == b.targetMinutes
            && a.presentations == b.presentations && a.seen == b.seen
            && a.seenWithinTarget == b.seenWithinTarget && a.withinTargetPct == b.withinTargetPct
            && a.waits == b.waits && a.waitSeconds == b.waitSeconds
            && a.notSeen.elementsEqual(b.notSeen, by: { $0 == $1 })
            && a.byLocality == b.byLocality && a.byNeed == b.byNeed && a.bySite == b.bySite
            && a.mentors == b.mentors
    }

    /// The order `not_seen` keys are listed in.
    public static let notSeenKeys = [
        Outcome.leftBeforeSeen.rawValue, Outcome.noMentorAvailable.rawValue,
        Outcome.declinedSupport.rawValue, "still-waiting",
    ]

    /// Computes the summary.
    /// - Parameters:
    ///   - week: the ISO week.
    ///   - presentations: the presentations whose `arrivedAt` falls in the week (others are
    ///     ignored, so passing more is safe).
    ///   - shifts: shifts; those that start in the week count towards `shift_hours` (others
    ///     are ignored).
    ///   - calendar: the site calendar that defines the week's bounds.
    ///   - targetMinutes: the target.
    public init(
        week: ISOWeek, presentations all: [Presentation], shifts: [Shift],
        calendar: SiteCalendar, targetMinutes: Int
    ) {
        let bounds = calendar.interval(of: week)
        self.init(
            week: week, bounds: bounds,
            presentations: all.filter { $0.arrivedAt >= bounds.start && $0.arrivedAt < bounds.end },
            shiftSeconds: Self.secondsByMentor(
                shifts.filter { $0.span.start >= bounds.start && $0.span.start < bounds.end }),
            targetMinutes: targetMinutes)
    }

    /// Computes the summary from the week's shift seconds per mentor (already summed, e.g.
    /// by the database) instead of the shifts themselves.
    public init(
        week: ISOWeek, presentations all: [Presentation], shiftSeconds: [String: Int],
        calendar: SiteCalendar, targetMinutes: Int
    ) {
        let bounds = calendar.interval(of: week)
        self.init(
            week: week, bounds: bounds,
            presentations: all.filter { $0.arrivedAt >= bounds.start && $0.arrivedAt < bounds.end },
            shiftSeconds: shiftSeconds, targetMinutes: targetMinutes)
    }

    static func secondsByMentor(_ shifts: [Shift]) -> [String: Int] {
        var result: [String: Int] = [:]
        for s in shifts { result[s.mentorID, default: 0] += s.span.seconds }
        return result
    }

    /// The figures of rows already known to belong to the week.
    private init(
        week: ISOWeek, bounds: (start: Date, end: Date), presentations inWeek: [Presentation],
        shiftSeconds: [String: Int], targetMinutes: Int
    ) {
        let targetSeconds = targetMinutes * 60
        self.week = week
        self.targetMinutes = targetMinutes
        self.presentations = inWeek.count
        let seenList = inWeek.compactMap(\.waitSeconds)
        self.seen = seenList.count
        self.seenWithinTarget = seenList.filter { $0 <= targetSeconds }.count
        self.withinTargetPct = percentOneDecimal(seenWithinTarget, of: presentations)
        self.waits = WaitStatistics(waitSeconds: seenList)
        self.waitSeconds = seenList.sorted()

        var notSeenCounts: [String: Int] = [:]
        for p in inWeek where p.seenAt == nil {
            let key = p.closedAt == nil ? "still-waiting" : (p.outcome?.rawValue ?? "closed")
            notSeenCounts[key, default: 0] += 1
        }
        var notSeen = Self.notSeenKeys.map { ($0, notSeenCounts[$0] ?? 0) }
        for (key, count) in notSeenCounts.sorted(by: { $0.key < $1.key })
        where !Self.notSeenKeys.contains(key) {
            notSeen.append((key, count))
        }
        self.notSeen = notSeen

        self.byLocality = SummaryGroup.groups(inWeek, targetMinutes: targetMinutes) {
            [$0.locality.lowercased()]
        }.sorted(by: SummaryGroup.largestFirst)
        self.byNeed = SummaryGroup.groups(inWeek, targetMinutes: targetMinutes) {
            $0.needs.map { $0.lowercased() }
        }.sorted(by: SummaryGroup.largestFirst)
        self.bySite = SummaryGroup.groups(inWeek, targetMinutes: targetMinutes) {
            [$0.site.lowercased()]
        }.sorted { $0.key < $1.key }

        // Mentor ids are case-insensitive: rows are merged under the first spelling met.
        var rows: [String: SummaryMentor] = [:]
        func add(_ id: String, _ change: (inout SummaryMentor) -> Void) {
            let key = id.lowercased()
            var row =
                rows[key] ?? SummaryMentor(mentorID: id, assigned: 0, seen: 0, shiftSeconds: 0)
            change(&row)
            rows[key] = row
        }
        for (mentor, seconds) in shiftSeconds.sorted(by: { $0.key < $1.key }) {
            add(mentor) { $0.shiftSeconds += seconds }
        }
        for p in inWeek {
            guard let m = p.mentorID else { continue }
            add(m) {
                $0.assigned += 1
                if p.seenAt != nil { $0.seen += 1 }
            }
        }
        self.mentors = Identifiers.sortedNaturally(Array(rows.values), id: \.mentorID)
    }
}

/// What a week's row of the trend needs (spec §6): how many people were referred in the
/// week and the waits of those seen. They are a function of the week's presentations'
/// arrival and seen times alone (voided ones left out), so a closed week's figures can be
/// kept and reused exactly, as long as they are dropped whenever one of those presentations
/// changes (the stores do this with triggers).
public struct WeekFigures: Sendable, Equatable {
    /// Presentations that arrived in the week.
    public var presentations: Int
    /// The waits of those seen, in seconds, sorted ascending.
    public var waitSeconds: [Int]

    /// Figures from a count and the waits (in any order).
    public init(presentations: Int, waitSeconds: [Int]) {
        self.presentations = presentations
        self.waitSeconds = waitSeconds.sorted()
    }

    /// The figures of consecutive spans, counted one presentation at a time (so a store can
    /// stream a year of rows into it without holding them).
    public struct Tally: Sendable {
        /// The spans, ascending.
        public let spans: [TimeSpan]
        private var counts: [Int]
        private var waits: [[Int]]

        /// An empty tally of `spans` (consecutive, ascending).
        public init(spans: [TimeSpan]) {
            self.spans = spans
            counts = [Int](repeating: 0, count: spans.count)
            waits = [[Int]](repeating: [], count: spans.count)
        }

        /// Counts a presentation that arrived at `arrivedAt` (and was seen after
        /// `waitSeconds`, if seen) in its span; outside every span it is ignored.
        public mutating func add(arrivedAt: Date, waitSeconds: Int?) {
            // The last span starting at or before the arrival.
            var low = 0
            var high = spans.count
            while low < high {
                let middle = (low + high) / 2
                if spans[middle].start <= arrivedAt { low = middle + 1 } else { high = middle }
            }
            let i = low - 1
            guard i >= 0, spans[i].contains(arrivedAt) else { return }
            counts[i] += 1
            if let waitSeconds { waits[i].append(waitSeconds) }
        }

        /// The figures of each span, in order.
        public var figures: [WeekFigures] {
            spans.indices.map { WeekFigures(presentations: counts[$0], waitSeconds: waits[$0]) }
        }
    }
}

extension WeeklySummary {
    /// A week of the trend: the headline figures from `figures` (presentations, seen, seen
    /// within target, the share and the wait statistics), computed exactly as a full
    /// summary computes them; no break-downs, not-seen counts or mentors.
    public init(week: ISOWeek, figures: WeekFigures, targetMinutes: Int) {
        let targetSeconds = targetMinutes * 60
        self.week = week
        self.targetMinutes = targetMinutes
        self.presentations = figures.presentations
        self.seen = figures.waitSeconds.count
        // Sorted: the waits within target are a prefix.
        var within = 0
        while within < figures.waitSeconds.count, figures.waitSeconds[within] <= targetSeconds {
            within += 1
        }
        self.seenWithinTarget = within
        self.withinTargetPct = percentOneDecimal(within, of: figures.presentations)
        self.waits = WaitStatistics(waitSeconds: figures.waitSeconds)
        self.waitSeconds = figures.waitSeconds
        self.notSeen = []
        self.byLocality = []
        self.byNeed = []
        self.bySite = []
        self.mentors = []
    }
}
