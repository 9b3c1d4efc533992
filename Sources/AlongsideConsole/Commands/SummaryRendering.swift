import AlongsideCore
import Foundation

/// The weekly summary and the trend as table, CSV, JSON, Markdown or HTML.
enum SummaryRendering {
    /// One week's summary; `trend` (oldest first, ending with this week) feeds the HTML
    /// report's trend chart. `coverage` (spec §9) names the site when the trust has several,
    /// and every site's week adds the break-down by site; one site's JSON and CSV are as
    /// they always were.
    static func render(
        _ s: WeeklySummary, trend: [WeeklySummary], format: OutputFormat, session: Session,
        referrals: ReferralFigures? = nil, coverage: SiteCoverage? = nil
    ) -> String {
        let bySite = coverage?.scope.isAll ?? false
        let site = coverage.flatMap { $0.named ? $0.label : nil }
        switch format {
        case .json:
            guard case .object(let fields) = json(s, bySite: bySite) else { return json(s).text }
            return JSONValue.object(fields + (referrals.map(referralJSON) ?? [])).text
        case .csv:
            guard let referrals else { return csv(s, bySite: bySite) }
            return csv(s, bySite: bySite)
                + referralCSVRows(referrals, week: s.week.description)
                .map { CSV.line($0) + "\n" }.joined()
        case .md: return markdown(s, referrals: referrals, site: site, bySite: bySite)
        case .html:
            return SummaryHTML.page(
                s, trend: trend,
                names: SummaryHTML.Names(tags: session.tags, localities: session.localities),
                calendar: session.calendar, generatedAt: session.now, site: site, bySite: bySite)
        case .table:
            return table(s, style: session.style, referrals: referrals, site: site, bySite: bySite)
        }
    }

    static func minutes(_ m: ExactMinutes?) -> JSONValue { m.map { .double($0.value) } ?? .null }
    static func oneDecimal(_ m: ExactMinutes?) -> String { m?.oneDecimal ?? "-" }
    static func pct(_ x: Double?) -> String { x.map { formatOneDecimal($0) + "%" } ?? "-" }
    static func number(_ x: Double?) -> String { x.map { JSONValue.format($0) } ?? "" }

    // MARK: - One week

    /// The week as JSON; with `bySite`, `by_site` after `by_need`.
    static func json(_ s: WeeklySummary, bySite: Bool = false) -> JSONValue {
        func group(_ g: SummaryGroup, key: String) -> JSONValue {
            .object([
                (key, .string(g.key)), ("presentations", .int(g.presentations)),
                ("seen_within_target", .int(g.seenWithinTarget)),
                ("within_target_pct", .number(g.withinTargetPct)),
                ("median_wait", minutes(g.medianWait)),
            ])
        }
        return .object([
            ("week", .string(s.week.description)),
            ("from", .string(s.week.monday.description)),
            ("to", .string(s.week.sunday.description)),
            ("target_minutes", .int(s.targetMinutes)),
            ("presentations", .int(s.presentations)),
            ("seen", .int(s.seen)),
            ("seen_within_target", .int(s.seenWithinTarget)),
            ("within_target_pct", .number(s.withinTargetPct)),
            (
                "wait_minutes",
                .object([
                    ("median", minutes(s.waits.median)), ("p90", minutes(s.waits.p90)),
                    ("mean", minutes(s.waits.mean)), ("max", minutes(s.waits.max)),
                ])
            ),
            ("not_seen", .object(s.notSeen.map { ($0.0, .int($0.1)) })),
            ("by_locality", .array(s.byLocality.map { group($0, key: "locality") })),
            ("by_need", .array(s.byNeed.map { group($0, key: "need") })),
        ] + (bySite ? [("by_site", .array(s.bySite.map { group($0, key: "site") }))] : []) + [
            (
                "mentors",
                .array(
                    s.mentors.map {
                        .object([
                            ("mentor", .string($0.mentorID)), ("assigned", .int($0.assigned)),
                            ("seen", .int($0.seen)), ("shift_hours", .double($0.shiftHours)),
                            ("signed_in_hours", .double($0.signedInHours)),
                            ("no_shows", .int($0.noShows)),
                        ])
                    })
            ),
        ])
    }

    /// Headline rows shared by the table and Markdown views.
    static func headline(_ s: WeeklySummary) -> [(String, String)] {
        [
            ("week", "\(s.week) (\(s.week.monday) to \(s.week.sunday))"),
            ("target", "\(s.targetMinutes) min"),
            ("presentations", "\(s.presentations)"),
            ("seen", "\(s.seen)"),
            ("seen within target", "\(s.seenWithinTarget)"),
            ("within target", pct(s.withinTargetPct)),
            ("median wait", oneDecimal(s.waits.median) + " min"),
            ("90th percentile wait", oneDecimal(s.waits.p90) + " min"),
            ("mean wait", oneDecimal(s.waits.mean) + " min"),
            ("longest wait", oneDecimal(s.waits.max) + " min"),
        ] + s.notSeen.map { ("not seen: \($0.0)", "\($0.1)") }
    }

    static func groupTable(_ groups: [SummaryGroup], title: String) -> TextTable {
        var t = TextTable(
            [title, "presentations", "within target", "within target %", "median wait (min)"],
            align: [.left, .right, .right, .right, .right])
        for g in groups {
            t.add([
                g.key, "\(g.presentations)", "\(g.seenWithinTarget)", pct(g.withinTargetPct),
                oneDecimal(g.medianWait),
            ])
        }
        return t
    }

    static func mentorTable(_ s: WeeklySummary) -> TextTable {
        var t = TextTable(
            ["mentor", "assigned", "seen", "shift hours"], align: [.left, .right, .right, .right])
        for m in s.mentors {
            t.add([m.mentorID, "\(m.assigned)", "\(m.seen)", m.shiftHoursOneDecimal])
        }
        return t
    }

    static func table(
        _ s: WeeklySummary, style: Style, referrals: ReferralFigures? = nil, site: String? = nil,
        bySite: Bool = false
    ) -> String {
        let week = "Week \(s.week)" + (site.map { ", \($0)" } ?? "")
        let head =
            s.presentations == 0
            ? "\(week): nobody was referred"
            : "\(week): \(pct(s.withinTargetPct)) seen within \(s.targetMinutes) minutes"
                + " (\(s.seenWithinTarget) of \(s.presentations))"
        var out = style.bold(head) + "\n\n"
        var t = TextTable(["figure", "value"], align: [.left, .right])
        for (k, v) in headline(s) + (referrals.map(referralHeadline) ?? []) { t.add([k, v]) }
        out += t.render(style: style)
        if !s.byLocality.isEmpty {
            out += "\n" + groupTable(s.byLocality, title: "locality").render(style: style)
        }
        if !s.byNeed.isEmpty {
            out += "\n" + groupTable(s.byNeed, title: "need").render(style: style)
        }
        if bySite && !s.bySite.isEmpty {
            out += "\n" + groupTable(s.bySite, title: "site").render(style: style)
        }
        if !s.mentors.isEmpty { out += "\n" + mentorTable(s).render(style: style) }
        return out
    }

    /// Long-format CSV: `section,name,metric,value`, every figure of the JSON, unrounded
    /// except the 1-decimal percentages; with `bySite`, the `by_site` rows too.
    static func csv(_ s: WeeklySummary, bySite: Bool = false) -> String {
        var rows: [[String]] = []
        let w = s.week.description
        rows.append(["week", w, "from", s.week.monday.description])
        rows.append(["week", w, "to", s.week.sunday.description])
        rows.append(["week", w, "target_minutes", "\(s.targetMinutes)"])
        rows.append(["week", w, "presentations", "\(s.presentations)"])
        rows.append(["week", w, "seen", "\(s.seen)"])
        rows.append(["week", w, "seen_within_target", "\(s.seenWithinTarget)"])
        rows.append(["week", w, "within_target_pct", s.withinTargetPct.map(formatOneDecimal) ?? ""])
        rows.append(["wait_minutes", w, "median", number(s.waits.median?.value)])
        rows.append(["wait_minutes", w, "p90", number(s.waits.p90?.value)])
        rows.append(["wait_minutes", w, "mean", number(s.waits.mean?.value)])
        rows.append(["wait_minutes", w, "max", number(s.waits.max?.value)])
        for (k, v) in s.notSeen { rows.append(["not_seen", w, k, "\(v)"]) }
        for (section, groups) in [("by_locality", s.byLocality), ("by_need", s.byNeed)]
            + (bySite ? [("by_site", s.bySite)] : [])
        {
            for g in groups {
                rows.append([section, g.key, "presentations", "\(g.presentations)"])
                rows.append([section, g.key, "seen_within_target", "\(g.seenWithinTarget)"])
                rows.append([
                    section, g.key, "within_target_pct",
                    g.withinTargetPct.map(formatOneDecimal) ?? "",
                ])
                rows.append([section, g.key, "median_wait", number(g.medianWait?.value)])
            }
        }
        for m in s.mentors {
            rows.append(["mentors", m.mentorID, "assigned", "\(m.assigned)"])
            rows.append(["mentors", m.mentorID, "seen", "\(m.seen)"])
            rows.append(["mentors", m.mentorID, "shift_hours", number(m.shiftHours)])
            rows.append(["mentors", m.mentorID, "signed_in_hours", number(m.signedInHours)])
            rows.append(["mentors", m.mentorID, "no_shows", "\(m.noShows)"])
        }
        return CSV.document(header: ["section", "name", "metric", "value"], rows: rows)
    }

    static func markdown(
        _ s: WeeklySummary, referrals: ReferralFigures? = nil, site: String? = nil,
        bySite: Bool = false
    ) -> String {
        var out = "# Peer support wait times, week \(s.week)" + (site.map { ", \($0)" } ?? "")
            + "\n\n"
        if s.presentations == 0 {
            out +=
                "**Nobody was referred to peer support** from \(s.week.monday) to "
                + "\(s.week.sunday).\n\n"
        } else {
            out +=
                "**\(pct(s.withinTargetPct)) of people referred were seen by a peer mentor "
                + "within \(s.targetMinutes) minutes** (\(s.seenWithinTarget) of "
                + "\(s.presentations)), \(s.week.monday) to \(s.week.sunday).\n\n"
        }
        var t = TextTable(["figure", "value"], align: [.left, .right])
        for (k, v) in headline(s) + (referrals.map(referralHeadline) ?? []) { t.add([k, v]) }
        out += t.markdown()
        if !s.byLocality.isEmpty {
            out += "\n## By locality\n\n" + groupTable(s.byLocality, title: "locality").markdown()
        }
        if !s.byNeed.isEmpty {
            out += "\n## By need\n\n" + groupTable(s.byNeed, title: "need").markdown()
        }
        if bySite && !s.bySite.isEmpty {
            out += "\n## By site\n\n" + groupTable(s.bySite, title: "site").markdown()
        }
        if !s.mentors.isEmpty { out += "\n## Mentors\n\n" + mentorTable(s).markdown() }
        return out
    }

    // MARK: - Trend

    /// The trend: `weeks` oldest first; `before` is the week before the first (for its
    /// change), if known.
    static func trend(
        _ weeks: [WeeklySummary], before: WeeklySummary?, format: OutputFormat, session: Session
    ) -> String {
        switch format {
        case .json: return trendJSON(weeks).text
        case .csv: return trendCSV(weeks)
        case .md: return trendMarkdown(weeks, before: before)
        case .html: return SummaryHTML.trendPage(weeks, calendar: session.calendar, generatedAt: session.now)
        default: return trendTable(weeks, before: before, style: session.style)
        }
    }

    /// The spec's columns first, then extra ones.
    static let trendColumns = [
        "week", "presentations", "within_target_pct", "median_wait", "p90_wait", "from", "to",
        "seen", "seen_within_target",
    ]

    static func trendJSON(_ weeks: [WeeklySummary]) -> JSONValue {
        .array(
            weeks.map { s in
                .object([
                    ("week", .string(s.week.description)),
                    ("presentations", .int(s.presentations)),
                    ("within_target_pct", .number(s.withinTargetPct)),
                    ("median_wait", minutes(s.waits.median)),
                    ("p90_wait", minutes(s.waits.p90)),
                    ("from", .string(s.week.monday.description)),
                    ("to", .string(s.week.sunday.description)),
                    ("seen", .int(s.seen)),
                    ("seen_within_target", .int(s.seenWithinTarget)),
                ])
            })
    }

    static func trendCSV(_ weeks: [WeeklySummary]) -> String {
        CSV.document(
            header: trendColumns,
            rows: weeks.map { s in
                [
                    s.week.description, "\(s.presentations)",
                    s.withinTargetPct.map(formatOneDecimal) ?? "",
                    number(s.waits.median?.value), number(s.waits.p90?.value),
                    s.week.monday.description, s.week.sunday.description, "\(s.seen)",
                    "\(s.seenWithinTarget)",
                ]
            })
    }

    /// The change in the within-target share from `previous` to `current`, in percentage
    /// points of the 1-decimal figures ("+4.2", "-66.7", "0.0"); nil when either week had
    /// nobody referred.
    static func change(_ current: Double?, from previous: Double?) -> String? {
        guard let current, let previous else { return nil }
        let tenths = Int((current * 10).rounded()) - Int((previous * 10).rounded())
        return (tenths > 0 ? "+" : "") + formatOneDecimal(Double(tenths) / 10)
    }

    /// A bar of up to 20 cells for a percentage, in eighths of a cell.
    static func bar(_ pct: Double?) -> String {
        guard let pct else { return "" }
        let eighths = Int((pct / 100 * 160).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    static func trendRows(_ weeks: [WeeklySummary], before: WeeklySummary?, bars: Bool)
        -> TextTable
    {
        var columns = [
            "week", "from", "presentations", "within target %", "change (points)",
            "median wait (min)", "p90 wait (min)",
        ]
        var align: [TextTable.Align] = [.left, .left, .right, .right, .right, .right, .right]
        if bars {
            columns.append("")
            align.append(.left)
        }
        var t = TextTable(columns, align: align)
        var previous = before
        for s in weeks {
            var cells = [
                s.week.description, s.week.monday.description, "\(s.presentations)",
                pct(s.withinTargetPct),
                change(s.withinTargetPct, from: previous?.withinTargetPct) ?? "-",
                oneDecimal(s.waits.median), oneDecimal(s.waits.p90),
            ]
            if bars { cells.append(bar(s.withinTargetPct)) }
            t.add(cells)
            previous = s
        }
        return t
    }

    static func trendTitle(_ weeks: [WeeklySummary]) -> String {
        guard let first = weeks.first, let last = weeks.last else { return "No weeks" }
        let span = weeks.count == 1 ? "\(first.week)" : "\(first.week) to \(last.week)"
        return "Seen within \(last.targetMinutes) minutes, week by week: \(span)"
    }

    static func trendTable(_ weeks: [WeeklySummary], before: WeeklySummary?, style: Style)
        -> String
    {
        style.bold(trendTitle(weeks)) + "\n\n"
            + trendRows(weeks, before: before, bars: true).render(style: style)
    }

    static func trendMarkdown(_ weeks: [WeeklySummary], before: WeeklySummary?) -> String {
        "# \(trendTitle(weeks))\n\n"
            + "Within target % is the share of everyone referred in the week who was seen "
            + "within the target; the change is in percentage points against the week before.\n\n"
            + trendRows(weeks, before: before, bars: false).markdown()
    }
}
