import AlongsideCore
import Foundation

/// The weekly summary as table, CSV, JSON, Markdown or HTML.
enum SummaryRendering {
    static func render(_ s: WeeklySummary, format: OutputFormat, session: Session) -> String {
        switch format {
        case .json: return json(s).text
        case .csv: return csv(s)
        case .md: return markdown(s)
        case .html: return SummaryHTML.page(s)
        case .table: return table(s, style: session.style)
        }
    }

    static func minutes(_ m: ExactMinutes?) -> JSONValue { m.map { .double($0.value) } ?? .null }
    static func oneDecimal(_ m: ExactMinutes?) -> String { m?.oneDecimal ?? "-" }
    static func pct(_ x: Double?) -> String { x.map { formatOneDecimal($0) + "%" } ?? "-" }

    static func json(_ s: WeeklySummary) -> JSONValue {
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
            (
                "mentors",
                .array(
                    s.mentors.map {
                        .object([
                            ("mentor", .string($0.mentorID)), ("assigned", .int($0.assigned)),
                            ("seen", .int($0.seen)), ("shift_hours", .double($0.shiftHours)),
                        ])
                    })
            ),
        ])
    }

    /// Headline rows shared by the table, CSV and Markdown views.
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
            t.add([g.key, "\(g.presentations)", "\(g.seenWithinTarget)", pct(g.withinTargetPct), oneDecimal(g.medianWait)])
        }
        return t
    }

    static func mentorTable(_ s: WeeklySummary) -> TextTable {
        var t = TextTable(["mentor", "assigned", "seen", "shift hours"], align: [.left, .right, .right, .right])
        for m in s.mentors {
            t.add([m.mentorID, "\(m.assigned)", "\(m.seen)", String(format: "%.1f", m.shiftHours)])
        }
        return t
    }

    static func table(_ s: WeeklySummary, style: Style) -> String {
        let head = s.presentations == 0
            ? "Week \(s.week): nobody was referred"
            : "Week \(s.week): \(pct(s.withinTargetPct)) seen within \(s.targetMinutes) minutes"
        var out = style.bold(head) + "\n\n"
        var t = TextTable(["figure", "value"], align: [.left, .right])
        for (k, v) in headline(s) { t.add([k, v]) }
        out += t.render(style: style)
        if !s.byLocality.isEmpty { out += "\n" + groupTable(s.byLocality, title: "locality").render(style: style) }
        if !s.byNeed.isEmpty { out += "\n" + groupTable(s.byNeed, title: "need").render(style: style) }
        if !s.mentors.isEmpty { out += "\n" + mentorTable(s).render(style: style) }
        return out
    }

    /// Long-format CSV: `section,name,metric,value`, every figure of the JSON.
    static func csv(_ s: WeeklySummary) -> String {
        var rows: [[String]] = []
        func num(_ x: Double?) -> String { x.map { JSONValue.format($0) } ?? "" }
        let w = s.week.description
        rows.append(["week", w, "from", s.week.monday.description])
        rows.append(["week", w, "to", s.week.sunday.description])
        rows.append(["week", w, "target_minutes", "\(s.targetMinutes)"])
        rows.append(["week", w, "presentations", "\(s.presentations)"])
        rows.append(["week", w, "seen", "\(s.seen)"])
        rows.append(["week", w, "seen_within_target", "\(s.seenWithinTarget)"])
        rows.append(["week", w, "within_target_pct", s.withinTargetPct.map(formatOneDecimal) ?? ""])
        rows.append(["wait_minutes", w, "median", num(s.waits.median?.value)])
        rows.append(["wait_minutes", w, "p90", num(s.waits.p90?.value)])
        rows.append(["wait_minutes", w, "mean", num(s.waits.mean?.value)])
        rows.append(["wait_minutes", w, "max", num(s.waits.max?.value)])
        for (k, v) in s.notSeen { rows.append(["not_seen", w, k, "\(v)"]) }
        for (section, groups) in [("by_locality", s.byLocality), ("by_need", s.byNeed)] {
            for g in groups {
                rows.append([section, g.key, "presentations", "\(g.presentations)"])
                rows.append([section, g.key, "seen_within_target", "\(g.seenWithinTarget)"])
                rows.append([section, g.key, "within_target_pct", g.withinTargetPct.map(formatOneDecimal) ?? ""])
                rows.append([section, g.key, "median_wait", num(g.medianWait?.value)])
            }
        }
        for m in s.mentors {
            rows.append(["mentors", m.mentorID, "assigned", "\(m.assigned)"])
            rows.append(["mentors", m.mentorID, "seen", "\(m.seen)"])
            rows.append(["mentors", m.mentorID, "shift_hours", num(m.shiftHours)])
        }
        return CSV.document(header: ["section", "name", "metric", "value"], rows: rows)
    }

    static func markdown(_ s: WeeklySummary) -> String {
        var out = "# Peer support wait times, week \(s.week)\n\n"
        out += "**\(pct(s.withinTargetPct)) of people referred were seen by a peer mentor within \(s.targetMinutes) minutes** "
        out += "(\(s.seenWithinTarget) of \(s.presentations)), \(s.week.monday) to \(s.week.sunday).\n\n"
        var t = TextTable(["figure", "value"], align: [.left, .right])
        for (k, v) in headline(s) { t.add([k, v]) }
        out += t.markdown()
        if !s.byLocality.isEmpty { out += "\n## By locality\n\n" + groupTable(s.byLocality, title: "locality").markdown() }
        if !s.byNeed.isEmpty { out += "\n## By need\n\n" + groupTable(s.byNeed, title: "need").markdown() }
        if !s.mentors.isEmpty { out += "\n## Mentors\n\n" + mentorTable(s).markdown() }
        return out
    }
}

/// Placeholder HTML until the full report lands: the same figures as Markdown in a page.
enum SummaryHTML {
    static func page(_ s: WeeklySummary) -> String {
        let md = SummaryRendering.markdown(s)
        let escaped = md.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Week \(s.week)</title></head><body><pre>\(escaped)</pre></body></html>\n"
    }
}
