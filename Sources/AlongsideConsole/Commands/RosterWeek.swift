import AlongsideCore
import ArgumentParser
import Foundation

struct RosterWeek: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "week",
        abstract: "The week's cover: cleared mentors on shift, hour by hour, with the gaps.",
        discussion: """
            One row per day (Monday to Sunday of the ISO week holding DATE, default today) \
            and one column per local hour 00–23. Each figure is the fewest cleared mentors \
            (active, DBS recheck not overdue that day, not on leave) on shift at any moment \
            of that hour, so a mentor who leaves at 09:30 does not count for 09:00–10:00. \
            '!' marks a gap (no one for some or all of the hour), 1 is thin cover, '-' an \
            hour the day does not have (the clocks go forward). Below the grid: the gaps, \
            the thin hours and the tags no cleared mentor on shift covers that week.

            Examples:
              roster week
              roster week 2026-11-16
              roster week 2026-W47 --format json
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "A date in the week, YYYY-MM-DD, or the week, YYYY-Www (default: today).")
    var date: String?
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let cal = session.calendar
        let week: ISOWeek
        if let date {
            if let w = ISOWeek(date.trimmingCharacters(in: .whitespaces)) {
                week = w
            } else {
                guard let d = LocalDate(date.trimmingCharacters(in: .whitespaces)) else {
                    throw CommandError.field(
                        "DATE", "'\(date)' is not a date (YYYY-MM-DD) or a week (YYYY-Www)")
                }
                week = ISOWeek(containing: d)
            }
        } else {
            week = cal.week(of: session.now)
        }
        let bounds = cal.interval(of: week)
        let span = TimeSpan(start: bounds.start, end: bounds.end)
        let cover = try session.read { tx in
            CoverGrid.week(
                week, mentors: try tx.mentors(),
                shifts: try tx.shifts(mentor: nil, overlapping: span),
                leave: try tx.leave(mentor: nil, overlapping: span), tags: session.tags.ids,
                calendar: cal)
        }
        switch format {
        case .json: return RosterWeekView.json(cover).text
        case .csv: return RosterWeekView.csv(cover)
        default: return RosterWeekView.table(cover, style: session.style)
        }
    }
}

/// How `roster week` prints the cover.
enum RosterWeekView {
    static let method =
        "fewest cleared mentors (active, DBS recheck not overdue, not on leave) on shift at "
        + "any moment of the local hour"

    static func json(_ c: CoverWeek) -> JSONValue {
        func runs(_ list: [CoverRun]) -> JSONValue {
            .array(
                list.map {
                    .object([
                        ("date", .string($0.date.description)), ("from", .string($0.fromText)),
                        ("to", .string($0.toText)),
                    ])
                })
        }
        return .object([
            ("week", .string(c.week.description)), ("from", .string(c.week.monday.description)),
            ("to", .string(c.week.sunday.description)), ("method", .string(method)),
            (
                "days",
                .array(
                    c.days.map { day in
                        .object([
                            ("date", .string(day.date.description)),
                            ("hours", .array(day.hours.map { $0.map { .int($0) } ?? .null })),
                        ])
                    })
            ),
            ("gaps", runs(c.gaps)), ("thin", runs(c.thin)),
            ("uncovered_tags", .array(c.uncoveredTags.map { .string($0) })),
        ])
    }

    static func csv(_ c: CoverWeek) -> String {
        CSV.document(
            header: ["date"] + (0..<24).map(hourLabel),
            rows: c.days.map { day in
                [day.date.description] + day.hours.map { $0.map(String.init) ?? "" }
            })
    }

    static func table(_ c: CoverWeek, style: Style) -> String {
        let largest = c.days.flatMap(\.hours).compactMap { $0 }.max() ?? 0
        let width = max(2, String(largest).count)
        func pad(_ s: String) -> String {
            String(repeating: " ", count: max(0, width - s.count)) + s
        }
        let label = 14  // "Mon 2026-11-16"
        var out =
            "Cover in \(c.week) (\(c.week.monday) to \(c.week.sunday)): cleared mentors on "
            + "shift for the whole hour\n"
        out +=
            style.bold(
                String(repeating: " ", count: label) + " "
                    + (0..<24).map { pad(hourLabel($0)) }.joined(separator: " ")) + "\n"
        for day in c.days {
            var cells: [String] = []
            for value in day.hours {
                switch value {
                case nil: cells.append(style.dim(pad("-")))
                case 0?: cells.append(style.red(pad("!")))
                case 1?: cells.append(style.yellow(pad("1")))
                case let n?: cells.append(pad(String(n)))
                }
            }
            out += "\(day.date.weekdayName) \(day.date) " + cells.joined(separator: " ") + "\n"
        }
        out +=
            "! no cleared mentor on shift for some or all of the hour; 1 thin cover; "
            + "- an hour the day lacks.\n"
        out += wrap("Gaps: ", runsText(c.gaps)) + "\n"
        out += wrap("Thin cover: ", runsText(c.thin)) + "\n"
        if c.uncoveredTags.isEmpty {
            out += "Every tag has a cleared mentor on shift at some time this week."
        } else {
            out += wrap(
                "Tags with no cleared mentor on shift this week: ",
                c.uncoveredTags.joined(separator: ", ") + ".")
        }
        return out
    }

    /// `Mon 00:00–07:00, Tue 03:00–04:00` (at most 12, then a count).
    static func runsText(_ runs: [CoverRun]) -> String {
        if runs.isEmpty { return "none" }
        let hours = runs.reduce(0) { $0 + $1.toHour - $1.fromHour }
        let shown = runs.prefix(12).map { "\($0.date.weekdayName) \($0.fromText)–\($0.toText)" }
        var text = shown.joined(separator: ", ")
        if runs.count > 12 { text += " and \(runs.count - 12) more" }
        return text + " (\(hours) hour\(hours == 1 ? "" : "s") in all)"
    }

    /// `label` + `text`, broken at spaces into lines of at most 100 characters, the
    /// following lines indented by two spaces.
    static func wrap(_ label: String, _ text: String) -> String {
        var lines: [String] = []
        var line = label
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > 100 && line.count > label.count {
                lines.append(line)
                line = "  "
            }
            line += (line.hasSuffix(" ") ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    static func hourLabel(_ h: Int) -> String { h < 10 ? "0\(h)" : "\(h)" }
}
