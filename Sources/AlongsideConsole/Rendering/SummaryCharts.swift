import AlongsideCore
import Foundation

/// The weekly report's SVG charts: the wait distribution and the trend.
extension SummaryHTML {
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
}
