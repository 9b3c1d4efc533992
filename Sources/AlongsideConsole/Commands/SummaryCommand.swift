import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `summary week` / `summary trend`.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Wait-time summaries: one week, or the trend.",
        subcommands: [SummaryWeek.self, SummaryTrend.self])
}

struct SummaryWeek: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "week",
        abstract: "The weekly wait-time summary (default: the last complete week).",
        discussion: """
            A week is an ISO week, Monday 00:00 to Sunday 24:00 in the site's zone; a person \
            counts in the week they were referred. The headline is the share of people seen \
            within the target (seen within target ÷ everyone referred that week).

            --format html writes a self-contained report (charts of the week's waits and of \
            the last 12 weeks, the break-downs) that prints on A4. For a scheduled report:
              alongside --db site.sqlite -c "summary week --format html --out week.html"

            The figures are this console's site's (spec §9); --site NAME gives another \
            site's, and --site all the trust's, with a break-down by site (JSON: by_site, \
            each site's presentations, seen_within_target, within_target_pct and \
            median_wait, by the headline's rules). Mentors' shift hours are the trust's.

            Examples:
              summary week
              summary week 2026-W46 --format json
              summary week --format md --out week.md
              summary week --site all --format json
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The week, YYYY-Www (default: the last complete week).")
    var week: ISOWeek?
    @Option(help: "Output format: table, csv, json, md or html.")
    var format: OutputFormat?
    @Option(help: "Write the report to this file (mode 0600) instead of printing it.")
    var out: String?
    @Flag(help: "Apply NHS Digital's disclosure control (small counts as *, others rounded to 5).")
    var publish = false
    @OptionGroup var sites: SiteOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(self.format?.rawValue, allowed: OutputFormat.allCases)
        let w = try SummaryData.week(week?.description, session: session)
        if publish {
            return try SummaryData.publishedWeek(
                w, format: format, out: out, sites: sites, session: session)
        }
        // The HTML report draws the 12 weeks ending with this one: one query for them all.
        let first = format == .html ? w.adding(weeks: -(SummaryHTML.trendWeeks - 1)) : w
        let load: (any StoreReading) throws -> ([WeeklySummary], ReferralFigures, SiteCoverage) = {
            tx in
            let coverage = try sites.resolve(session, tx)
            return (
                try SummaryData.series(
                    from: first, through: w, shiftsOf: w, tx: tx, session: session,
                    scope: coverage.scope),
                try SummaryData.referralFigures(w, tx: tx, session: session, scope: coverage.scope),
                coverage
            )
        }
        func render(_ loaded: ([WeeklySummary], ReferralFigures, SiteCoverage)) -> String {
            let series = loaded.0
            return SummaryRendering.render(
                series[series.count - 1], trend: series, format: format, session: session,
                referrals: loaded.1, coverage: loaded.2)
        }
        guard let out else { return render(try session.read(load)) }
        return try session.write("summary week") { tx in
            let text = render(try load(tx))
            try tx.logEvent(
                action: "export", entity: nil, detail: "summary week \(w) as \(format.rawValue)")
            // Inside the transaction: if the file cannot be written, the log keeps no export.
            try TextFiles.writePrivate(text, to: out, field: "--out")
            return "Wrote the \(w) summary (\(format.rawValue)) to \(out)."
        }
    }
}

struct SummaryTrend: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend",
        abstract: "Week by week: share seen within target, median and 90th percentile wait.",
        discussion: """
            The N weeks ending with the last complete week, oldest first. The table also \
            shows each week's change in the within-target share against the week before, in \
            percentage points.

            The weeks are this console's site's (spec §9); --site NAME gives another site's \
            and --site all the trust's.

            Examples:
              summary trend
              summary trend --weeks 52 --format csv --out year.csv
              summary trend --site all
            """)
    static let requiredRole = Role.liaison

    /// The most weeks a trend covers (ten years).
    static let maxWeeks = 520

    @Option(help: "How many weeks, 1 to 520 (default 12).")
    var weeks: Int = 12
    @Option(help: "Output format: table, csv, json, md or html.")
    var format: OutputFormat?
    @Option(help: "Write the trend to this file (mode 0600) instead of printing it.")
    var out: String?
    @Flag(help: "Apply NHS Digital's disclosure control (small counts as *, others rounded to 5).")
    var publish = false

    @OptionGroup var sites: SiteOption

    func validate() throws {
        guard (1...Self.maxWeeks).contains(weeks) else {
            throw invalid(
                "--weeks", "\(weeks) is not between 1 and \(Self.maxWeeks); e.g. --weeks 12")
        }
    }

    func execute(_ session: Session) throws -> String {
        let format = try session.format(self.format?.rawValue, allowed: OutputFormat.allCases)
        let last = session.calendar.lastCompleteWeek(now: session.now)
        // One week more than shown, for the first row's change.
        let first = last.adding(weeks: -weeks)
        let load: (any StoreReading) throws -> [WeeklySummary] = { tx in
            try SummaryData.series(
                from: first, through: last, shiftsOf: nil, tx: tx, session: session,
                scope: try sites.resolve(session, tx).scope)
        }
        func render(_ series: [WeeklySummary]) -> String {
            if publish {
                return PublishedSummary.render(
                    PublishedSummary.trend(Array(series.dropFirst())),
                    title: "Seen within target, week by week, to \(last) (published figures)",
                    trend: true, format: format, session: session)
            }
            return SummaryRendering.trend(
                Array(series.dropFirst()), before: series.first, format: format, session: session)
        }
        guard let out else { return render(try session.read(load)) }
        return try session.write("summary trend") { tx in
            let text = render(try load(tx))
            try tx.logEvent(
                action: "export", entity: nil,
                detail: "summary trend of \(weeks) weeks to \(last) as \(format.rawValue)")
            try TextFiles.writePrivate(text, to: out, field: "--out")
            return "Wrote the trend of \(weeks) weeks to \(last) (\(format.rawValue)) to \(out)."
        }
    }
}

/// Loading the rows the summaries need.
enum SummaryData {
    /// The week asked for, or the last complete week; refuses weeks not yet started, and
    /// warns that the current week is not over.
    static func week(_ text: String?, session: Session, field: String = "WEEK") throws -> ISOWeek {
        let cal = session.calendar
        let now = session.now
        guard let text else { return cal.lastCompleteWeek(now: now) }
        guard let w = ISOWeek(text) else {
            throw CommandError.field(
                field,
                "'\(text)' is not an ISO week; write it like \(cal.lastCompleteWeek(now: now))")
        }
        let current = cal.week(of: now)
        if w > current {
            let last = cal.lastCompleteWeek(now: now)
            throw CommandError.field(
                field, "\(w) has not started yet; the last complete week is \(last)")
        }
        if w == current {
            session.warnings.append("\(w) is not over yet: these are its figures so far")
        }
        return w
    }

    /// The summaries of the weeks `first` through `last`. With `shiftsOf` (a week report),
    /// that week is computed from its full rows and its shift hours; the weeks before it
    /// (the HTML report's trend) and every week of a trend come from arrival and seen times
    /// only, one covering-index query for them all. Only the presentations of the site(s)
    /// `scope` covers count; shifts and sign-ins are the trust's (mentors are shared).
    static func series(
        from first: ISOWeek, through last: ISOWeek, shiftsOf shiftWeek: ISOWeek?,
        tx: any StoreReading, session: Session, scope: SiteScope
    ) throws -> [WeeklySummary] {
        let cal = session.calendar
        let target = session.config.targetMinutes
        func span(_ a: ISOWeek, _ b: ISOWeek) -> TimeSpan {
            TimeSpan(start: cal.interval(of: a).start, end: cal.interval(of: b).end)
        }
        guard let shiftWeek, shiftWeek == last else {
            return try trendWeeks(from: first, through: last, tx: tx, session: session, scope: scope)
        }
        let earlier = try trendWeeks(
            from: first, through: last.adding(weeks: -1), tx: tx, session: session, scope: scope)
        let week = span(last, last)
        var current = WeeklySummary(
            week: last, presentations: scope.filter(try tx.presentations(arrivedIn: week)),
            shiftSeconds: try tx.shiftSeconds(startingIn: week), calendar: cal,
            targetMinutes: target)
        // Sign-ins may start up to an hour before a shift, so read from an hour earlier.
        current.addAttendance(
            shifts: try tx.shifts(mentor: nil, overlapping: week),
            signIns: try tx.signIns(
                mentor: nil,
                overlapping: TimeSpan(
                    start: week.start.addingTimeInterval(-SignIn.earlyAllowance), end: week.end)),
            calendar: cal, now: session.now)
        return earlier + [current]
    }

    /// The headline figures of the weeks `first` through `last` (none when `last < first`),
    /// oldest first: those the store keeps for closed weeks as kept, the others from their
    /// presentations' arrival and seen times (one read of each run of weeks not kept). The
    /// closed weeks computed are handed to `session.weekFigures`, kept after the command's
    /// transaction (a read transaction cannot write).
    static func trendWeeks(
        from first: ISOWeek, through last: ISOWeek, tx: any StoreReading, session: Session,
        scope: SiteScope
    ) throws -> [WeeklySummary] {
        let weeks = ISOWeek.weeks(from: first, through: last)
        let spans = weeks.map { w in
            let bounds = session.calendar.interval(of: w)
            return TimeSpan(start: bounds.start, end: bounds.end)
        }
        let key = scope.isAll ? WeekFigureScope.allSites : WeekFigureScope.site(scope.name)
        let kept = try tx.keptWeekFigures(scope: key, spans: spans)
        var figures = spans.map { kept.figures[$0] }
        var computed: [(span: TimeSpan, figures: WeekFigures)] = []
        var i = 0
        while i < spans.count {
            guard figures[i] == nil else {
                i += 1
                continue
            }
            var j = i
            while j + 1 < spans.count && figures[j + 1] == nil { j += 1 }
            let run = Array(spans[i...j])
            var tally = WeekFigures.Tally(spans: run)
            try tx.tallyArrivals(into: &tally, site: WeekFigureScope.site(ofKey: key))
            for (k, f) in tally.figures.enumerated() {
                figures[i + k] = f
                if run[k].end <= session.now { computed.append((run[k], f)) }
            }
            i = j + 1
        }
        session.weekFigures.add(computed, scope: key, readAt: kept.version)
        let target = session.config.targetMinutes
        return weeks.indices.map { n in
            WeeklySummary(
                week: weeks[n], figures: figures[n] ?? WeekFigures(presentations: 0, waitSeconds: []),
                targetMinutes: target)
        }
    }
}

/// Week figures a command computed for closed weeks the store did not keep, kept when the
/// command's transaction is over (``AlongsideStore/keepWeekFigures(_:scope:readAt:)``).
final class PendingWeekFigures {
    private var pending: [(scope: String, version: Int64, figures: [(span: TimeSpan, figures: WeekFigures)])] = []

    /// Adds figures computed from data read at `version`.
    func add(_ figures: [(span: TimeSpan, figures: WeekFigures)], scope: String, readAt version: Int64) {
        if !figures.isEmpty { pending.append((scope, version, figures)) }
    }

    /// Keeps what was added, then forgets it. Best effort: the figures are derived, so a
    /// store that cannot keep them now (a read-only file, a busy database) only computes
    /// them again next time; nothing the user sees depends on it.
    func keep(in store: any AlongsideStore) {
        defer { pending = [] }
        for p in pending {
            try? store.keepWeekFigures(p.figures, scope: p.scope, readAt: p.version)
        }
    }
}
