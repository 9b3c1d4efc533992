import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `summary week` / `summary trend`.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Wait-time summaries: one week, or the trend.",
        subcommands: [SummaryWeek.self])
}

struct SummaryWeek: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "week",
        abstract: "The weekly wait-time summary (default: the last complete week).",
        discussion: """
            A week is an ISO week, Monday 00:00 to Sunday 24:00 in the site's zone; a person \
            counts in the week they were referred. The headline is the share of people seen \
            within the target (seen within target ÷ everyone referred that week).

            Examples:
              summary week
              summary week 2026-W46 --format json
              summary week --format md --out week.md
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The week, YYYY-Www (default: the last complete week).")
    var week: String?
    @Option(help: "Output format: table, csv, json, md or html.")
    var format: String?
    @Option(help: "Write the report to this file (mode 0600) instead of printing it.")
    var out: String?

    func execute(_ session: Session) throws -> String {
        let format = try session.format(self.format, allowed: [.table, .csv, .json, .md, .html])
        let cal = session.calendar
        let now = session.now
        let w: ISOWeek
        if let week {
            guard let parsed = ISOWeek(week) else {
                throw CommandError.field("WEEK", "'\(week)' is not an ISO week; write it like \(cal.lastCompleteWeek(now: now))")
            }
            w = parsed
        } else {
            w = cal.lastCompleteWeek(now: now)
        }
        let bounds = cal.interval(of: w)
        let span = TimeSpan(start: bounds.start, end: bounds.end)
        let load: (any StoreReading) throws -> WeeklySummary = { tx in
            WeeklySummary(
                week: w, presentations: try tx.presentations(arrivedIn: span),
                shifts: try tx.shifts(mentor: nil, overlapping: span), calendar: cal,
                targetMinutes: session.config.targetMinutes)
        }
        let summary: WeeklySummary
        if let out {
            summary = try session.write("summary week") { tx in
                try tx.logEvent(action: "export", entity: nil, detail: "summary week \(w) as \(format.rawValue)")
                return try load(tx)
            }
            let text = SummaryRendering.render(summary, format: format, session: session)
            try FileOutput.write(text, to: out)
            return "Wrote the \(w) summary to \(out)."
        }
        summary = try session.read(load)
        return SummaryRendering.render(summary, format: format, session: session)
    }
}

/// Writes report files with mode 0600.
enum FileOutput {
    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw CommandError.field("--out", "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw CommandError.field("--out", "could not write '\(path)'") }
            written += n
        }
        fsync(fd)
    }
}
