import AlongsideCore
import Foundation

/// The weekly report as one self-contained HTML page: inline CSS, SVG charts drawn here, no
/// script and nothing fetched from the network, laid out to print on A4.
enum SummaryHTML {
    /// How many weeks the trend chart shows, ending with the report's week.
    static let trendWeeks = 12

    /// Display names for locality and tag ids.
    struct Names {
        var tags: TagCatalog
        var localities: LocalityCatalog

        func locality(_ id: String) -> String {
            guard let name = localities.locality(id)?.name, !name.isEmpty else { return id }
            return name
        }

        func need(_ id: String) -> String {
            guard let name = tags.tag(id)?.name, !name.isEmpty else { return id }
            return name
        }
    }

    /// The page for week `s`; `trend` holds up to 12 weeks, oldest first, ending with `s`.
    /// With `site` (the site named, or "all sites"), the title names it; with `bySite` (a
    /// trust's week), a section breaks the week down by site.
    static func page(
        _ s: WeeklySummary, trend: [WeeklySummary], names: Names, calendar: SiteCalendar,
        generatedAt: Date, site: String? = nil, bySite: Bool = false
    ) -> String {
        let title = "Peer support wait times, week \(s.week)" + (site.map { ", \($0)" } ?? "")
        var html = masthead(s, site: site)
        html += headline(s, previous: trend.count >= 2 ? trend[trend.count - 2] : nil)
        html += figures(s)
        html += section(
            "How long people waited",
            histogram(waitSeconds: s.waitSeconds, targetMinutes: s.targetMinutes, week: s.week)
                + histogramNote(s))
        html += section(
            "The last \(trend.count == 1 ? "week" : "\(trend.count) weeks")",
            trendChart(trend, current: s.week) + trendNote(trend))
        html += section(
            "By locality",
            groupTable(
                s.byLocality, title: "Locality", name: names.locality, target: s.targetMinutes)
                + "<p class=\"note\">Where the person lives.</p>\n")
        html += section(
            "By need",
            groupTable(s.byNeed, title: "Need", name: names.need, target: s.targetMinutes)
                + "<p class=\"note\">A person with several needs counts under each of them, so "
                + "the rows add up to more than the people referred.</p>\n")
        if bySite {
            html += section(
                "By site",
                groupTable(s.bySite, title: "Site", name: { $0 }, target: s.targetMinutes)
                    + "<p class=\"note\">The emergency department that registered the person."
                    + "</p>\n")
        }
        html += section("Mentors", mentorTable(s))
        html += definitions(s)
        return document(title: title, body: html, calendar: calendar, generatedAt: generatedAt)
    }

    /// A whole page: head with the inline style, `body`, and the footer saying when and in
    /// which zone it was made. Self-contained: nothing is fetched.
    static func document(title: String, body: String, calendar: SiteCalendar, generatedAt: Date)
        -> String
    {
        let local = calendar.localDateTime(generatedAt)
        return """
            <!doctype html>
            <html lang="en-GB">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="Alongside">
            <title>\(esc(title))</title>
            <style>\(css)</style>
            </head>
            <body>
            <main class="page">
            \(body)<footer>Produced by Alongside on \(esc(longDate(local.date))) at \
            \(esc(calendar.timeString(generatedAt))) (\(esc(calendar.timeZone.identifier)) \
            time).</footer>
            </main>
            </body>
            </html>

            """
    }

    /// The trend as its own page: the chart of the weeks' within-target share and a table of
    /// the trend's columns (spec §6: html draws the trend as a chart).
    static func trendPage(_ weeks: [WeeklySummary], calendar: SiteCalendar, generatedAt: Date)
        -> String
    {
        guard let first = weeks.first, let last = weeks.last else { return "" }
        let title = "Peer support wait times, \(first.week) to \(last.week)"
        var rows = ""
        for w in weeks {
            let cells = [
                w.week.description, "\(w.presentations)",
                w.withinTargetPct.map { formatOneDecimal($0) + "%" } ?? "–",
                w.waits.median?.oneDecimal ?? "–", w.waits.p90?.oneDecimal ?? "–",
            ]
            rows += "<tr>" + cells.enumerated().map { i, c in
                i == 0 ? "<td>\(esc(c))</td>" : "<td class=\"num\">\(esc(c))</td>"
            }.joined() + "</tr>\n"
        }
        let head = """
            <header class="masthead"><p class="kicker">Peer support at the A&amp;E point of access</p>
            <h1>Wait times, \(esc(first.week.description)) to \(esc(last.week.description))</h1>
            <p class="dates">\(esc(longDate(first.week.monday))) to \(esc(longDate(last.week.sunday))) · \
            target \(last.targetMinutes) minutes</p></header>

            """
        let body = head
            + section(
                "Seen within the target, week by week",
                trendChart(weeks, current: last.week) + trendNote(weeks))
            + section(
                "The figures",
                "<table><thead><tr><th>Week</th><th class=\"num\">Referred</th>"
                    + "<th class=\"num\">Within target</th><th class=\"num\">Median wait (min)</th>"
                    + "<th class=\"num\">90th percentile wait (min)</th></tr></thead>\n<tbody>\n"
                    + rows + "</tbody></table>\n")
        return document(title: title, body: body, calendar: calendar, generatedAt: generatedAt)
    }

    // MARK: - Parts of the page

    static func masthead(_ s: WeeklySummary, site: String? = nil) -> String {
        """
        <header class="masthead">
        <p class="kicker">Peer support at the A&amp;E point of access\
        \(site.map { " · " + esc($0) } ?? "")</p>
        <h1>Wait times, week \(esc(s.week.description))</h1>
        <p class="dates">\(esc(longDate(s.week.monday))) to \(esc(longDate(s.week.sunday))) \
        · target \(s.targetMinutes) minutes</p>
        </header>

        """
    }

    static func headline(_ s: WeeklySummary, previous: WeeklySummary?) -> String {
        var out = "<section class=\"headline\">\n"
        guard s.presentations > 0, let pct = s.withinTargetPct else {
            out +=
                "<p class=\"big\">–</p>\n<p class=\"lead\">Nobody was referred to peer "
                + "support this week.</p>\n</section>\n"
            return out
        }
        out += "<p class=\"big\">\(esc(formatOneDecimal(pct)))<span>%</span></p>\n"
        out +=
            "<p class=\"lead\"><strong>of people referred were seen by a peer mentor "
            + "within \(s.targetMinutes) minutes</strong></p>\n"
        out +=
            "<p class=\"count\">\(s.seenWithinTarget) of the \(s.presentations) "
            + "\(s.presentations == 1 ? "person" : "people") referred this week</p>\n"
        if let previous, let change = SummaryRendering.change(pct, from: previous.withinTargetPct),
            let before = previous.withinTargetPct
        {
            let word = change.hasPrefix("+") ? "up" : (change.hasPrefix("-") ? "down" : "level")
            let points = change.hasPrefix("-") ? String(change.dropFirst()) : change
            let text =
                word == "level"
                ? "The same as the week before (\(formatOneDecimal(before))% in \(previous.week))."
                : "\(word.capitalized) \(points.replacingOccurrences(of: "+", with: "")) "
                    + "percentage points on the week before (\(formatOneDecimal(before))% in "
                    + "\(previous.week))."
            out += "<p class=\"change \(word)\">\(esc(text))</p>\n"
        } else if let previous {
            out += "<p class=\"change\">\(esc("Nobody was referred in \(previous.week)."))</p>\n"
        }
        out += "</section>\n"
        return out
    }

    static func figures(_ s: WeeklySummary) -> String {
        func minutes(_ m: ExactMinutes?) -> String {
            m.map { "\($0.oneDecimal) min" } ?? "–"
        }
        let tiles: [(String, String)] = [
            ("Referred", "\(s.presentations)"),
            ("Seen", "\(s.seen)"),
            ("Seen within target", "\(s.seenWithinTarget)"),
            ("Median wait", minutes(s.waits.median)),
            ("90th percentile wait", minutes(s.waits.p90)),
            ("Mean wait", minutes(s.waits.mean)),
            ("Longest wait", minutes(s.waits.max)),
        ]
        var out = "<section class=\"figures\">\n<dl class=\"tiles\">\n"
        for (label, value) in tiles {
            out += "<div><dt>\(esc(label))</dt><dd>\(esc(value))</dd></div>\n"
        }
        out += "</dl>\n"
        let labels = [
            "left-before-seen": "left before being seen",
            "no-mentor-available": "no mentor available",
            "declined-support": "declined support",
            "still-waiting": "still waiting (not closed)",
        ]
        let notSeen = s.presentations - s.seen
        out += "<p class=\"notseen\"><strong>Not seen: \(notSeen)</strong>"
        if notSeen > 0 {
            out +=
                " — "
                + s.notSeen.filter { $0.1 > 0 }.map { key, count in
                    "\(esc(labels[key] ?? key)) \(count)"
                }.joined(separator: " · ")
        }
        out += "</p>\n</section>\n"
        return out
    }

    static func section(_ title: String, _ body: String) -> String {
        "<section class=\"block\">\n<h2>\(esc(title))</h2>\n\(body)</section>\n"
    }

    static func histogramNote(_ s: WeeklySummary) -> String {
        guard s.seen > 0 else { return "" }
        return "<p class=\"note\">Each bar counts the people seen with a wait in that "
            + "\(histogramBinMinutes(s.targetMinutes))-minute band, up to and including its "
            + "right-hand edge; the dashed line is the \(s.targetMinutes)-minute target. "
            + "People not seen are not in the chart.</p>\n"
    }

    static func trendNote(_ trend: [WeeklySummary]) -> String {
        "<p class=\"note\">Share of everyone referred in the week who was seen within the "
            + "target; n is the number referred. Weeks with nobody referred have no bar.</p>\n"
    }

    static func groupTable(
        _ groups: [SummaryGroup], title: String, name: (String) -> String, target: Int
    ) -> String {
        guard !groups.isEmpty else { return "<p class=\"empty\">Nobody was referred.</p>\n" }
        var out = """
            <table>
            <thead><tr><th scope="col">\(esc(title))</th><th scope="col" class="num">Referred</th>\
            <th scope="col" class="num">Seen within target</th>\
            <th scope="col" class="share">Within target</th>\
            <th scope="col" class="num">Median wait (min)</th></tr></thead>
            <tbody>

            """
        for g in groups {
            out += "<tr><th scope=\"row\">\(esc(name(g.key)))</th>"
            out += "<td class=\"num\">\(g.presentations)</td>"
            out += "<td class=\"num\">\(g.seenWithinTarget)</td>"
            out += "<td class=\"share\">\(shareCell(g.withinTargetPct))</td>"
            out += "<td class=\"num\">\(esc(g.medianWait?.oneDecimal ?? "–"))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        return out
    }

    /// A percentage with a small bar behind it.
    static func shareCell(_ pct: Double?) -> String {
        guard let pct else { return "–" }
        let width = String(format: "%.1f", min(100, max(0, pct)))
        return "<span class=\"meter\"><span style=\"width:\(width)%\"></span></span>"
            + "<span class=\"pct\">\(esc(formatOneDecimal(pct)))%</span>"
    }

    static func mentorTable(_ s: WeeklySummary) -> String {
        guard !s.mentors.isEmpty else {
            return "<p class=\"empty\">No mentor had a shift or an assignment this week.</p>\n"
        }
        var out = """
            <table>
            <thead><tr><th scope="col">Mentor</th><th scope="col" class="num">Assigned</th>\
            <th scope="col" class="num">Seen</th>\
            <th scope="col" class="num">Shift hours</th></tr></thead>
            <tbody>

            """
        for m in s.mentors {
            out += "<tr><th scope=\"row\">\(esc(m.mentorID))</th>"
            out += "<td class=\"num\">\(m.assigned)</td><td class=\"num\">\(m.seen)</td>"
            out += "<td class=\"num\">\(esc(m.shiftHoursOneDecimal))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        out +=
            "<p class=\"note\">Assigned and seen count the week's referrals each mentor "
            + "was given; shift hours are the real hours of the shifts that started in the week "
            + "(a night shift over the October clock change is an hour longer).</p>\n"
        return out
    }

    static func definitions(_ s: WeeklySummary) -> String {
        let t = s.targetMinutes
        let items: [(String, String)] = [
            (
                "Week",
                "Monday 00:00 to Sunday 24:00, site time; a person counts in the week "
                    + "they were referred, whenever they were seen."
            ),
            ("Wait", "Minutes from referral to peer support until a mentor met the person."),
            (
                "Within target",
                "Seen with a wait of \(t) minutes or less (exactly \(t) counts "
                    + "as within). The share divides by everyone referred, so people who left or "
                    + "were never seen count against it."
            ),
            (
                "Median and 90th percentile",
                "Over the waits of the people seen, by linear "
                    + "interpolation between the closest ranks; half of the waits were at most the "
                    + "median, nine in ten at most the 90th percentile."
            ),
            ("Rounding", "Figures are rounded to 1 decimal, halves away from zero."),
        ]
        var out =
            "<section class=\"block definitions\">\n<h2>How the figures are worked out</h2>"
            + "\n<dl>\n"
        for (term, text) in items {
            out += "<dt>\(esc(term))</dt><dd>\(esc(text))</dd>\n"
        }
        out += "</dl>\n</section>\n"
        return out
    }

    // MARK: - Text

    /// Escapes text for HTML content and attribute values.
    static func esc(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most one decimal.
    static func f(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : String(format: "%.1f", Double(tenths) / 10)
    }

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ]
    static let weekdays = [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ]

    /// "Monday 19 October 2026".
    static func longDate(_ d: LocalDate) -> String {
        "\(weekdays[d.weekday - 1]) \(d.day) \(months[d.month - 1]) \(d.year)"
    }

}
