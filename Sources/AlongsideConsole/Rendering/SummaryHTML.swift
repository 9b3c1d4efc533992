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
    static func page(
        _ s: WeeklySummary, trend: [WeeklySummary], names: Names, calendar: SiteCalendar,
        generatedAt: Date
    ) -> String {
        let title = "Peer support wait times, week \(s.week)"
        var html = masthead(s)
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

    static func masthead(_ s: WeeklySummary) -> String {
        """
        <header class="masthead">
        <p class="kicker">Peer support at the A&amp;E point of access</p>
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

    // MARK: - Charts

    /// The width of the histogram's bands: 10 minutes, or 5 when the target is not a
    /// multiple of 10 but is of 5, so the target falls on a band edge when it can.
    static func histogramBinMinutes(_ target: Int) -> Int {
        target % 10 == 0 || target % 5 != 0 ? 10 : 5
    }

    /// The waits as a histogram: bands of 10 minutes up to 3 hours (further when the target
    /// is over 90 minutes), then one band for everything longer, with the target marked.
    static func histogram(waitSeconds: [Int], targetMinutes: Int, week: ISOWeek) -> String {
        guard !waitSeconds.isEmpty else {
            return "<p class=\"empty\">Nobody was seen this week, so there are no waits to "
                + "show.</p>\n"
        }
        let bin = histogramBinMinutes(targetMinutes)
        let range = max(180, (targetMinutes * 2 + bin - 1) / bin * bin)
        let binCount = range / bin
        var counts = [Int](repeating: 0, count: binCount + 1)  // the last: over `range`
        for w in waitSeconds {
            // A band holds waits over its left edge up to and including its right edge.
            let index = w <= 0 ? 0 : (w - 1) / (bin * 60)
            counts[min(index, binCount)] += 1
        }
        let width = 720.0
        let height = 260.0
        let left = 46.0
        let right = 14.0
        let top = 40.0
        let bottom = 52.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let slot = plotWidth / Double(binCount + 1)
        let yMax = niceMaximum(counts.max() ?? 1)
        let step = tickStep(yMax)
        func x(_ minutes: Double) -> Double { left + minutes / Double(bin) * slot }
        func y(_ count: Double) -> Double { top + plotHeight - count / Double(yMax) * plotHeight }

        let within = waitSeconds.filter { $0 <= targetMinutes * 60 }.count
        let description =
            "\(waitSeconds.count) people seen; \(within) within the \(targetMinutes)-minute target."
        var svg = """
            <figure class="chart">
            <svg viewBox="0 0 \(f(width)) \(f(height))" role="img" \
            aria-labelledby="hist-title hist-desc" xmlns="http://www.w3.org/2000/svg">
            <title id="hist-title">\(esc("Waits of the people seen in \(week)"))</title>
            <desc id="hist-desc">\(esc(description))</desc>

            """
        var tick = 0
        while tick <= yMax {
            let ty = y(Double(tick))
            svg +=
                "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" "
                + "y1=\"\(f(ty))\" y2=\"\(f(ty))\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(f(left - 8))\" y=\"\(f(ty + 4))\" "
                + "text-anchor=\"end\">\(tick)</text>\n"
            tick += step
        }
        svg +=
            "<text class=\"axis\" x=\"\(f(left - 8))\" y=\"\(f(top - 22))\" "
            + "text-anchor=\"end\">people</text>\n"
        for (i, count) in counts.enumerated() {
            let over = i == binCount
            let upper = (i + 1) * bin
            let cls = !over && upper <= targetMinutes ? "in" : "out"
            let barX = left + Double(i) * slot + slot * 0.1
            let barWidth = slot * 0.8
            let label =
                over
                ? "over \(range) min: \(count)" : "\(i * bin)–\(upper) min: \(count)"
            if count > 0 {
                let barY = y(Double(count))
                svg +=
                    "<rect class=\"\(cls)\" x=\"\(f(barX))\" y=\"\(f(barY))\" "
                    + "width=\"\(f(barWidth))\" height=\"\(f(top + plotHeight - barY))\">"
                    + "<title>\(esc(label))</title></rect>"
                svg +=
                    "<text class=\"value\" x=\"\(f(barX + barWidth / 2))\" "
                    + "y=\"\(f(barY - 4))\" text-anchor=\"middle\">\(count)</text>\n"
            }
        }
        // The axis, its labels every 30 minutes, and the overflow band's label.
        let baseline = top + plotHeight
        svg +=
            "<line class=\"axisline\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" "
            + "y1=\"\(f(baseline))\" y2=\"\(f(baseline))\"/>\n"
        let labelEvery = bin == 10 ? 30 : 15
        var minute = 0
        while minute <= range {
            let tx = x(Double(minute))
            svg +=
                "<line class=\"axisline\" x1=\"\(f(tx))\" x2=\"\(f(tx))\" "
                + "y1=\"\(f(baseline))\" y2=\"\(f(baseline + 4))\"/>"
            // The last edge is labelled with the overflow band instead.
            if minute < range {
                svg +=
                    "<text class=\"tick\" x=\"\(f(tx))\" y=\"\(f(baseline + 17))\" "
                    + "text-anchor=\"middle\">\(minute)</text>\n"
            }
            minute += labelEvery
        }
        svg +=
            "<text class=\"tick\" x=\"\(f(left + (Double(binCount) + 0.5) * slot))\" "
            + "y=\"\(f(baseline + 17))\" text-anchor=\"middle\">\(range)+</text>\n"
        svg +=
            "<text class=\"axis\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 8))\" "
            + "text-anchor=\"middle\">wait in minutes, from referral to being seen</text>\n"
        // The target.
        if targetMinutes <= range {
            let tx = x(Double(targetMinutes))
            svg +=
                "<line class=\"target\" x1=\"\(f(tx))\" x2=\"\(f(tx))\" "
                + "y1=\"\(f(top - 26))\" y2=\"\(f(baseline))\"/>"
            svg +=
                "<text class=\"targetlabel\" x=\"\(f(tx + 6))\" y=\"\(f(top - 18))\">"
                + "target \(targetMinutes) min</text>\n"
        }
        svg += "</svg>\n"
        svg += """
            <figcaption><span class="key in"></span> within target (\(within)) \
            <span class="key out"></span> over target (\(waitSeconds.count - within))</figcaption>
            </figure>

            """
        return svg
    }

    /// The within-target share of each week as bars, the report's week picked out.
    static func trendChart(_ weeks: [WeeklySummary], current: ISOWeek) -> String {
        guard !weeks.isEmpty else { return "" }
        let width = 720.0
        let height = 250.0
        let left = 46.0
        let right = 14.0
        let top = 24.0
        let bottom = 50.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(weeks.count, 4))
        let offset = left + (plotWidth - slot * Double(weeks.count)) / 2
        func y(_ pct: Double) -> Double { top + plotHeight - pct / 100 * plotHeight }
        let title = "Share seen within target, \(weeks[0].week) to \(current)"
        let described = weeks.map {
            "\($0.week): "
                + ($0.withinTargetPct.map { formatOneDecimal($0) + "%" } ?? "none referred")
        }.joined(separator: "; ")
        var svg = """
            <figure class="chart">
            <svg viewBox="0 0 \(f(width)) \(f(height))" role="img" \
            aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">
            <title id="trend-title">\(esc(title))</title>
            <desc id="trend-desc">\(esc(described))</desc>

            """
        for pct in stride(from: 0, through: 100, by: 25) {
            let ty = y(Double(pct))
            svg +=
                "<line class=\"\(pct == 0 ? "axisline" : "grid")\" x1=\"\(f(left))\" "
                + "x2=\"\(f(width - right))\" y1=\"\(f(ty))\" y2=\"\(f(ty))\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(f(left - 8))\" y=\"\(f(ty + 4))\" "
                + "text-anchor=\"end\">\(pct)%</text>\n"
        }
        for (i, s) in weeks.enumerated() {
            let centre = offset + (Double(i) + 0.5) * slot
            let barWidth = min(slot * 0.62, 44)
            let isCurrent = s.week == current
            if let pct = s.withinTargetPct {
                let barY = y(pct)
                let tip =
                    "\(s.week): \(formatOneDecimal(pct))% "
                    + "(\(s.seenWithinTarget) of \(s.presentations))"
                svg +=
                    "<rect class=\"\(isCurrent ? "now" : "past")\" "
                    + "x=\"\(f(centre - barWidth / 2))\" y=\"\(f(barY))\" width=\"\(f(barWidth))\" "
                    + "height=\"\(f(top + plotHeight - barY))\"><title>\(esc(tip))</title></rect>"
                svg +=
                    "<text class=\"value\(isCurrent ? " strong" : "")\" x=\"\(f(centre))\" "
                    + "y=\"\(f(barY - 5))\" text-anchor=\"middle\">"
                    + "\(esc(formatOneDecimal(pct)))</text>\n"
            } else {
                svg +=
                    "<text class=\"none\" x=\"\(f(centre))\" y=\"\(f(y(0) - 6))\" "
                    + "text-anchor=\"middle\">none</text>\n"
            }
            let label = "W" + (s.week.week < 10 ? "0" : "") + "\(s.week.week)"
            svg +=
                "<text class=\"tick\(isCurrent ? " strong" : "")\" x=\"\(f(centre))\" "
                + "y=\"\(f(y(0) + 16))\" text-anchor=\"middle\">\(label)</text>"
            svg +=
                "<text class=\"small\" x=\"\(f(centre))\" y=\"\(f(y(0) + 30))\" "
                + "text-anchor=\"middle\">n=\(s.presentations)</text>\n"
        }
        svg += "</svg>\n</figure>\n"
        return svg
    }

    /// A round number at or above `n` for the top of a count axis.
    static func niceMaximum(_ n: Int) -> Int {
        let step = tickStep(max(n, 1))
        return max(step, (max(n, 1) + step - 1) / step * step)
    }

    /// The gap between count ticks so that there are at most about 5 of them.
    static func tickStep(_ n: Int) -> Int {
        var magnitude = 1
        while true {
            for m in [1, 2, 5] where n <= m * magnitude * 5 { return m * magnitude }
            magnitude *= 10
        }
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

    // MARK: - Style

    static let css = """

        :root { --ink: #1d2630; --muted: #5a6670; --line: #d5dbe0; --in: #16756f;
          --out: #c4581d; --soft: #f3f6f7; --now: #0f4f8a; --past: #8fb3d4; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--ink); background: #fff;
          font: 15px/1.45 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
        .page { max-width: 860px; margin: 0 auto; padding: 28px 32px 40px; }
        .masthead { border-bottom: 3px solid var(--ink); padding-bottom: 10px;
          margin-bottom: 18px; }
        .kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px;
          color: var(--muted); }
        h1 { margin: 4px 0 2px; font-size: 28px; line-height: 1.15; }
        .dates { margin: 0; color: var(--muted); }
        h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 4px;
          border-bottom: 1px solid var(--line); }
        .headline { display: grid; grid-template-columns: auto 1fr; column-gap: 20px;
          align-items: center; background: var(--soft); border-left: 6px solid var(--in);
          padding: 14px 20px; margin-bottom: 14px; }
        .headline .big { grid-row: span 3; margin: 0; font-size: 64px; font-weight: 700;
          line-height: 1; color: var(--in); font-variant-numeric: tabular-nums; }
        .headline .big span { font-size: 32px; margin-left: 2px; }
        .headline .lead { margin: 0; font-size: 18px; line-height: 1.3; }
        .headline .count { margin: 2px 0 0; font-size: 15px; }
        .headline .change { margin: 4px 0 0; color: var(--muted); }
        .headline .change.up { color: var(--in); }
        .headline .change.down { color: var(--out); }
        .tiles { display: grid; grid-template-columns: repeat(7, 1fr); gap: 8px; margin: 0; }
        .tiles div { border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; }
        .tiles dt { font-size: 11.5px; color: var(--muted); line-height: 1.2; min-height: 2.4em; }
        .tiles dd { margin: 2px 0 0; font-size: 17px; font-weight: 600;
          font-variant-numeric: tabular-nums; white-space: nowrap; }
        .notseen { margin: 8px 0 0; }
        .block { margin-top: 22px; }
        figure { margin: 0; }
        svg { display: block; width: 100%; height: auto; }
        svg text { font-family: inherit; fill: var(--ink); }
        svg .tick { font-size: 11px; fill: var(--muted); }
        svg .small { font-size: 10px; fill: var(--muted); }
        svg .axis { font-size: 11.5px; fill: var(--muted); }
        svg .value { font-size: 11px; font-weight: 600; }
        svg .strong { font-weight: 700; fill: var(--ink); }
        svg .none { font-size: 10px; fill: var(--muted); font-style: italic; }
        svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .axisline { stroke: var(--ink); stroke-width: 1; }
        svg rect.in { fill: var(--in); }
        svg rect.out { fill: var(--out); }
        svg rect.now { fill: var(--now); }
        svg rect.past { fill: var(--past); }
        svg .target { stroke: var(--ink); stroke-width: 2; stroke-dasharray: 6 4; }
        svg .targetlabel { font-size: 12px; font-weight: 600; }
        figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
        .key { display: inline-block; width: 12px; height: 12px; vertical-align: -1px;
          margin: 0 4px 0 10px; }
        .key.in { background: var(--in); margin-left: 0; }
        .key.out { background: var(--out); }
        .note { font-size: 13px; color: var(--muted); margin: 6px 0 0; }
        .empty { color: var(--muted); font-style: italic; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left;
          vertical-align: middle; }
        thead th { font-size: 12.5px; color: var(--muted); font-weight: 600;
          border-bottom: 2px solid var(--ink); }
        tbody th { font-weight: 600; }
        .num { text-align: right; white-space: nowrap; }
        td.share, th.share { width: 34%; }
        .meter { display: inline-block; width: calc(100% - 58px); height: 10px;
          background: var(--soft); border: 1px solid var(--line); vertical-align: middle; }
        .meter span { display: block; height: 100%; background: var(--in); }
        .pct { display: inline-block; width: 54px; text-align: right; }
        .definitions dl { display: grid; grid-template-columns: 190px 1fr; gap: 4px 14px;
          margin: 0; font-size: 13.5px; }
        .definitions dt { font-weight: 600; }
        .definitions dd { margin: 0; }
        footer { margin-top: 24px; padding-top: 8px; border-top: 1px solid var(--line);
          font-size: 12px; color: var(--muted); }
        @media (max-width: 640px) { .tiles { grid-template-columns: repeat(2, 1fr); }
          .headline { grid-template-columns: 1fr; } .headline .big { grid-row: auto; } }
        @page { size: A4; margin: 14mm 13mm 16mm; }
        @media print {
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { font-size: 10pt; }
          .page { max-width: none; padding: 0; }
          h1 { font-size: 20pt; }
          h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
          .headline .big { font-size: 44pt; }
          .tiles dd { font-size: 12pt; }
          .block { margin-top: 14px; }
          .chart svg { height: 54mm; }
          .block, .headline, .figures, figure, table, tr { break-inside: avoid;
            page-break-inside: avoid; }
        }

        """
}
