import AlongsideCore
import Foundation

/// `summary week … --publish` and `summary trend … --publish`: the figures under NHS
/// Digital's disclosure control (spec §13; the rule itself is `Disclosure` in the core).
/// Suppressed figures are `*` (JSON `"*"`), and every view but JSON and CSV carries the
/// footnote (JSON has it as `disclosure_control`).
enum PublishedSummary {
    static func count(_ n: Int) -> JSONValue {
        switch Disclosure.count(n) {
        case .value(let v): .int(v)
        case .suppressed: .string("*")
        }
    }

    static func percent(_ part: Int, _ whole: Int) -> JSONValue {
        switch Disclosure.percent(part, of: whole) {
        case .value(let v)?: .double(v)
        case .suppressed?: .string("*")
        case nil: .null
        }
    }

    static func statistic(_ m: ExactMinutes?, of n: Int) -> JSONValue {
        switch Disclosure.statistic(m, of: n) {
        case .value(let v)?: .double(v.value)
        case .suppressed?: .string("*")
        case nil: .null
        }
    }

    /// Rows in the order their published counts give (largest first, `*` after every shown
    /// count but before 0, then by name), so the order never tells apart the sizes that
    /// suppression and rounding hide.
    static func publishedOrder<T>(_ rows: [T], count: (T) -> Int, name: (T) -> String) -> [T] {
        func rank(_ n: Int) -> Int {
            switch Disclosure.count(n) {
            case .value(let v): v == 0 ? -2 : v
            case .suppressed: -1
            }
        }
        return rows.sorted {
            let (a, b) = (rank(count($0)), rank(count($1)))
            return a != b ? a > b : name($0) < name($1)
        }
    }

    /// The week's figures as published; with `bySite` (a trust's week), `by_site` too.
    static func week(_ s: WeeklySummary, extras: ReferralFigures?, bySite: Bool = false)
        -> JSONValue
    {
        func group(_ g: SummaryGroup, key: String) -> JSONValue {
            .object([
                (key, .string(g.key)), ("presentations", count(g.presentations)),
                ("seen_within_target", count(g.seenWithinTarget)),
                ("within_target_pct", percent(g.seenWithinTarget, g.presentations)),
                ("median_wait", statistic(g.medianWait, of: g.seen)),
            ])
        }
        var fields: [(String, JSONValue)] = [
            ("week", .string(s.week.description)),
            ("from", .string(s.week.monday.description)),
            ("to", .string(s.week.sunday.description)),
            ("target_minutes", .int(s.targetMinutes)),
            ("presentations", count(s.presentations)),
            ("seen", count(s.seen)),
            ("seen_within_target", count(s.seenWithinTarget)),
            ("within_target_pct", percent(s.seenWithinTarget, s.presentations)),
            (
                "wait_minutes",
                .object([
                    ("median", statistic(s.waits.median, of: s.seen)),
                    ("p90", statistic(s.waits.p90, of: s.seen)),
                    ("mean", statistic(s.waits.mean, of: s.seen)),
                    ("max", statistic(s.waits.max, of: s.seen)),
                ])
            ),
            ("not_seen", .object(s.notSeen.map { ($0.0, count($0.1)) })),
            (
                "by_locality",
                .array(
                    publishedOrder(s.byLocality, count: \.presentations, name: \.key)
                        .map { group($0, key: "locality") })
            ),
            (
                "by_need",
                .array(
                    publishedOrder(s.byNeed, count: \.presentations, name: \.key)
                        .map { group($0, key: "need") })
            ),
        ]
        if bySite {
            // By name: the order of the sites tells nothing about their sizes.
            fields.append(("by_site", .array(s.bySite.map { group($0, key: "site") })))
        }
        fields += [
            (
                "mentors",
                .array(
                    s.mentors.map {
                        .object([
                            ("mentor", .string($0.mentorID)), ("assigned", count($0.assigned)),
                            ("seen", count($0.seen)), ("shift_hours", .double($0.shiftHours)),
                        ])
                    })
            ),
        ]
        if let extras {
            fields += [
                (
                    "onward_referrals",
                    .object([
                        ("made", count(extras.made)),
                        (
                            "by_service",
                            .array(
                                publishedOrder(extras.byService, count: \.made, name: \.service)
                                    .map {
                                        .object([
                                            ("service", .string($0.service)),
                                            ("made", count($0.made)),
                                            ("accepted", count($0.accepted)),
                                            ("attended", count($0.attended)),
                                            ("completed", count($0.completed)),
                                        ])
                                    })
                        ),
                    ])
                ),
                ("reattended_7d", count(extras.reattended7d)),
                ("reattended_30d", count(extras.reattended30d)),
            ]
        }
        fields.append(("disclosure_control", .string(Disclosure.footnote)))
        return .object(fields)
    }

    /// The trend's weeks as published.
    static func trend(_ weeks: [WeeklySummary]) -> JSONValue {
        .array(
            weeks.map { s in
                .object([
                    ("week", .string(s.week.description)),
                    ("presentations", count(s.presentations)),
                    ("within_target_pct", percent(s.seenWithinTarget, s.presentations)),
                    ("median_wait", statistic(s.waits.median, of: s.seen)),
                    ("p90_wait", statistic(s.waits.p90, of: s.seen)),
                    ("from", .string(s.week.monday.description)),
                    ("to", .string(s.week.sunday.description)),
                    ("seen", count(s.seen)),
                    ("seen_within_target", count(s.seenWithinTarget)),
                ])
            })
    }

    /// A figure for people: `*`, `-` for none, numbers as JSON writes them (percentages and
    /// minutes to 1 decimal).
    static func cell(_ v: JSONValue, key: String) -> String {
        switch v {
        case .null: return "-"
        case .string(let s): return s
        case .int(let i): return "\(i)"
        case .double(let d):
            if key.hasSuffix("_pct") { return formatOneDecimal(d) + "%" }
            if key == "shift_hours" { return JSONValue.format(d) }
            return formatOneDecimal(d)
        case .bool(let b): return b ? "yes" : "no"
        case .array, .object: return v.text
        }
    }

    /// The scalar figures (nested objects flattened as `parent: key`) and the lists as
    /// tables, each with a title.
    static func parts(_ v: JSONValue) -> (figures: TextTable, lists: [(String, TextTable)]) {
        var figures = TextTable(["figure", "value"], align: [.left, .right])
        var lists: [(String, TextTable)] = []
        guard case .object(let fields) = v else { return (figures, lists) }
        func add(_ prefix: String, _ fields: [(String, JSONValue)]) {
            for (k, value) in fields where k != "disclosure_control" {
                let name = prefix.isEmpty ? k : "\(prefix): \(k)"
                switch value {
                case .object(let inner): add(name, inner)
                case .array(let items):
                    var columns: [String] = []
                    var rows: [[String]] = []
                    for item in items {
                        guard case .object(let f) = item else { continue }
                        if columns.isEmpty { columns = f.map(\.0) }
                        rows.append(f.map { cell($0.1, key: $0.0) })
                    }
                    guard !columns.isEmpty else { continue }
                    var t = TextTable(
                        columns, align: [.left] + Array(repeating: .right, count: columns.count - 1)
                    )
                    for r in rows { t.add(r) }
                    lists.append((name.replacingOccurrences(of: "_", with: " "), t))
                default:
                    figures.add([
                        name.replacingOccurrences(of: "_", with: " "), cell(value, key: k),
                    ])
                }
            }
        }
        add("", fields)
        return (figures, lists)
    }

    /// The trend rows as one table.
    static func trendTable(_ v: JSONValue) -> TextTable {
        var t = TextTable(
            ["week", "presentations", "within target %", "median wait (min)", "p90 wait (min)"],
            align: [.left, .right, .right, .right, .right])
        guard case .array(let weeks) = v else { return t }
        for w in weeks {
            guard case .object(let f) = w else { continue }
            let d = Dictionary(f, uniquingKeysWith: { a, _ in a })
            t.add(
                ["week", "presentations", "within_target_pct", "median_wait", "p90_wait"].map {
                    cell(d[$0] ?? .null, key: $0)
                })
        }
        return t
    }

    /// Renders a published week (`trend` false) or trend.
    static func render(
        _ v: JSONValue, title: String, trend: Bool, format: OutputFormat, session: Session
    ) -> String {
        let note = "* " + Disclosure.footnote
        switch format {
        case .json:
            guard trend else { return v.text }
            return JSONValue.object([
                ("weeks", v), ("disclosure_control", .string(Disclosure.footnote)),
            ]).text
        case .csv:
            if trend {
                let t = trendTable(v)
                return CSV.document(header: t.columns, rows: t.rows)
            }
            let (figures, lists) = parts(v)
            var rows = figures.rows.map { ["figures", $0[0], $0[1]] }
            for (name, t) in lists {
                for r in t.rows {
                    for (i, c) in t.columns.enumerated().dropFirst() {
                        rows.append([name, "\(r[0]) \(c)", r[i]])
                    }
                }
            }
            return CSV.document(header: ["section", "figure", "value"], rows: rows)
        case .md:
            var out = "# \(title)\n\n"
            if trend {
                out += trendTable(v).markdown()
            } else {
                let (figures, lists) = parts(v)
                out += figures.markdown()
                for (name, t) in lists { out += "\n## \(name.capitalizedFirst)\n\n" + t.markdown() }
            }
            return out + "\n" + note.replacingOccurrences(of: "*", with: "\\*") + "\n"
        case .html:
            func table(_ t: TextTable) -> String {
                var h = "<table>\n<thead><tr>"
                h +=
                    t.columns.map { "<th>\(SummaryHTML.esc($0))</th>" }.joined()
                    + "</tr></thead>\n<tbody>\n"
                for r in t.rows {
                    h += "<tr>" + r.map { "<td>\(SummaryHTML.esc($0))</td>" }.joined() + "</tr>\n"
                }
                return h + "</tbody>\n</table>\n"
            }
            var body = "<h1>\(SummaryHTML.esc(title))</h1>\n"
            if trend {
                body += SummaryHTML.section("Week by week", table(trendTable(v)))
            } else {
                let (figures, lists) = parts(v)
                body += SummaryHTML.section("Figures", table(figures))
                for (name, t) in lists {
                    body += SummaryHTML.section(name.capitalizedFirst, table(t))
                }
            }
            body += "<p class=\"note\">\(SummaryHTML.esc(note))</p>\n"
            return SummaryHTML.document(
                title: title, body: body, calendar: session.calendar, generatedAt: session.now)
        case .table:
            var out = session.style.bold(title) + "\n\n"
            if trend {
                out += trendTable(v).render(style: session.style)
            } else {
                let (figures, lists) = parts(v)
                out += figures.render(style: session.style)
                for (name, t) in lists { out += "\n\(name):\n" + t.render(style: session.style) }
            }
            return out + "\n" + note + "\n"
        }
    }
}

extension String {
    /// The first letter upper-cased.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
