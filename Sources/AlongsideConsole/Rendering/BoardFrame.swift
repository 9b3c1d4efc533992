import AlongsideCore
import Foundation

/// One frame of the board (spec §11): a title line, a header, one row per person not yet
/// seen (breaches, then amber, then longest wait) and a status line, fitted to a screen of
/// `width` × `height` with `+N more` when the rows do not fit. The state of each row is
/// also a text marker (`!` breach, `~` amber), so colour is never needed.
enum BoardFrame {
    /// The smallest screen the board draws in.
    static let minimum = (width: 40, height: 6)

    /// The lines of the frame (no line longer than `width`, at most `height` lines). The
    /// title names the site when `coverage` says to; every site's board has a site column.
    static func lines(
        rows: [QueueRow], session: Session, coverage: SiteCoverage, at now: Date, width: Int,
        height: Int, footer: String, style: Style
    ) -> [String] {
        let width = max(minimum.width, width)
        let height = max(minimum.height, height)
        let cal = session.calendar
        let breaches = rows.filter(\.breach).count
        let ambers = rows.filter(\.preBreach).count
        var title = "Alongside board \(cal.shortString(now))"
        if coverage.named { title += "  \(coverage.label)" }
        title += "  \(rows.count) not seen"
        title += ", \(breaches) ! over \(session.config.targetMinutes) min"
        title += ", \(ambers) ~ over \(session.config.preBreachMinutes) min"
        var out = [style.bold(fit(title, width))]

        let bySite = coverage.scope.isAll
        let columns = [
            "", "id", "who", "locality", "needs", "status", "wait", "asg", "mentor", "flags",
            "best",
        ] + (bySite ? ["site"] : [])
        var cells: [[String]] = rows.map { r in
            let p = r.presentation
            let who = [p.ageBand, p.gender.map { String($0.prefix(6)) }].compactMap { $0 }
                .joined(separator: " ")
            var flags: [String] = []
            if p.leadMentor { flags.append("lead") }
            if let g = p.mentorGender { flags.append("mg:" + g.prefix(3)) }
            if let l = p.language { flags.append("lang:" + l.prefix(3)) }
            return [
                r.marker, p.id, who.isEmpty ? "-" : who, p.locality, p.needs.joined(separator: ","),
                p.status.rawValue, "\(r.waitSeconds / 60)m",
                r.assignedMinutes.map { "\($0)m" } ?? "-", p.mentorID ?? "-",
                flags.isEmpty ? "-" : flags.joined(separator: " "),
                r.best?.mentorID ?? (p.mentorID == nil ? "none" : "-"),
            ] + (bySite ? [p.site] : [])
        }
        let widths = columnWidths(header: columns, cells: cells, width: width)
        out.append(style.bold(fit(line(columns, widths), width)))
        let room = height - 3  // title, header, status line
        var shown = rows.count
        if rows.count > room {
            shown = max(0, room - 1)
        }
        for (i, row) in rows.prefix(shown).enumerated() {
            let text = fit(line(cells[i], widths), width)
            out.append(row.breach ? style.red(text) : (row.preBreach ? style.yellow(text) : text))
        }
        if shown < rows.count {
            let hidden = rows.dropFirst(shown)
            let hiddenBreaches = hidden.filter(\.breach).count
            out.append(
                fit(
                    "+\(hidden.count) more" + (hiddenBreaches > 0 ? " (\(hiddenBreaches) !)" : "")
                        + "; 'queue' lists everyone", width))
        }
        if rows.isEmpty { out.append("Nobody is waiting.") }
        cells.removeAll()
        out.append(fit(footer, width))
        return out
    }

    /// Column widths: each as wide as its longest cell, then the free-text columns (needs,
    /// flags, locality, who, best) shrunk until the line fits.
    static func columnWidths(header: [String], cells: [[String]], width: Int) -> [Int] {
        var widths = header.map(TextTable.width)
        for row in cells {
            for (i, c) in row.enumerated() { widths[i] = max(widths[i], TextTable.width(c)) }
        }
        widths[0] = 1
        // Columns after the standard eleven (the site of every site's board) shrink last.
        let extra = Array(11..<max(11, header.count))
        let floor = [1, 4, 3, 6, 6, 6, 4, 3, 6, 4, 4] + extra.map { _ in 4 }
        let shrinkOrder = [4, 9, 3, 2, 10, 8, 5] + extra
        func total() -> Int { widths.reduce(0, +) + widths.count - 1 }
        while total() > width {
            guard let i = shrinkOrder.first(where: { widths[$0] > floor[$0] }) else { break }
            widths[i] -= 1
        }
        return widths
    }

    static func line(_ cells: [String], _ widths: [Int]) -> String {
        zip(cells, widths).map { cell, w in
            let c = fit(cell, w)
            return c + String(repeating: " ", count: max(0, w - TextTable.width(c)))
        }.joined(separator: " ").replacingOccurrences(
            of: "\\s+$", with: "", options: .regularExpression)
    }

    /// `text` cut to `width` columns (a cut shown by `…`).
    static func fit(_ text: String, _ width: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > width else { return text }
        guard width > 1 else { return String(String.UnicodeScalarView(scalars.prefix(width))) }
        return String(String.UnicodeScalarView(scalars.prefix(width - 1))) + "…"
    }
}
