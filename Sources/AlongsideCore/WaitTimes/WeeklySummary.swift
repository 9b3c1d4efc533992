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
}

/// One mentor's week.
public struct SummaryMentor: Sendable, Equatable {
    /// The mentor's id.
    public var mentorID: String
    /// Presentations of the week assigned to the mentor.
    public var assigned: Int
    /// Of those, seen.
    public var seen: Int
    /// Real hours of the mentor's shifts that start in the week.
    public var shiftHours: Double
}

/// The weekly wait-time summary of spec §6.
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
    /// Every mentor with a shift or an assignment in the week.
    public var mentors: [SummaryMentor]

    /// Compares the figures (the tuple list is compared element by element).
    public static func == (a: WeeklySummary, b: WeeklySummary) -> Bool {
        a.week == b.week && a.targetMinutes == b.targetMinutes
            && a.presentations == b.presentations && a.seen == b.seen
            && a.seenWithinTarget == b.seenWithinTarget && a.withinTargetPct == b.withinTargetPct
            && a.waits == b.waits && a.waitSeconds == b.waitSeconds
            && a.notSeen.elementsEqual(b.notSeen, by: { $0 == $1 })
            && a.byLocality == b.byLocality && a.byNeed == b.byNeed && a.mentors == b.mentors
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
    ///   - shifts: shifts; those that start in the week count towards `shift_hours`.
    ///   - calendar: the site calendar that defines the week's bounds.
    ///   - targetMinutes: the target.
    public init(
        week: ISOWeek, presentations all: [Presentation], shifts: [Shift],
        calendar: SiteCalendar, targetMinutes: Int
    ) {
        let bounds = calendar.interval(of: week)
        let inWeek = all.filter { $0.arrivedAt >= bounds.start && $0.arrivedAt < bounds.end }
        let targetSeconds = targetMinutes * 60
        func within(_ p: Presentation) -> Bool {
            guard let w = p.waitSeconds else { return false }
            return w <= targetSeconds
        }
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

        func groups(_ keys: (Presentation) -> [String]) -> [SummaryGroup] {
            var members: [String: [Presentation]] = [:]
            for p in inWeek {
                for k in Set(keys(p)) { members[k, default: []].append(p) }
            }
            return members.map { key, list in
                let within = list.filter(within).count
                let waits = WaitStatistics(waitSeconds: list.compactMap(\.waitSeconds))
                return SummaryGroup(
                    key: key, presentations: list.count, seenWithinTarget: within,
                    withinTargetPct: percentOneDecimal(within, of: list.count),
                    medianWait: waits.median)
            }.sorted {
                $0.presentations != $1.presentations
                    ? $0.presentations > $1.presentations : $0.key < $1.key
            }
        }
        self.byLocality = groups { [$0.locality] }
        self.byNeed = groups { $0.needs }

        var rows: [String: SummaryMentor] = [:]
        for s in shifts where s.span.start >= bounds.start && s.span.start < bounds.end {
            rows[s.mentorID, default: SummaryMentor(mentorID: s.mentorID, assigned: 0, seen: 0, shiftHours: 0)]
                .shiftHours += Double(s.span.seconds) / 3600
        }
        for p in inWeek {
            guard let m = p.mentorID else { continue }
            rows[m, default: SummaryMentor(mentorID: m, assigned: 0, seen: 0, shiftHours: 0)]
                .assigned += 1
            if p.seenAt != nil { rows[m]!.seen += 1 }
        }
        self.mentors = rows.values.sorted { $0.mentorID < $1.mentorID }
    }
}
