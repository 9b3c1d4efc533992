import AlongsideCore
import ArgumentParser
import Foundation

/// `mentors`: the roster.
struct Mentors: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentors",
        abstract: "The roster: caseload, capacity, available now, next shift, DBS recheck.",
        discussion: """
            Retired mentors are hidden unless --all is given. DBS rechecks due within 60 days \
            are flagged; an overdue recheck means the mentor is never offered.

            Examples:
              mentors
              mentors --available
              mentors --format csv
            """)
    // Spec §8 lists `mentors` under the coordinator role; the desk sees mentors through
    // match, queue, allocate and show M.
    static let requiredRole = Role.liaison

    @Flag(help: "Include retired mentors.")
    var all = false
    @Flag(help: "Only mentors who could take someone now.")
    var available = false
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let now = session.now
        let cal = session.calendar
        let today = cal.localDate(now)
        let (states, nextShift) = try session.read { tx in
            let states = try tx.mentorStates(at: now)
            var next: [String: Shift] = [:]
            for s in try tx.shifts(mentor: nil, overlapping: TimeSpan(start: now, end: now.addingTimeInterval(28 * 86400)))
            where s.span.start > now {
                let key = s.mentorID.lowercased()
                if next[key] == nil || s.span.start < next[key]!.span.start { next[key] = s }
            }
            return (states, next)
        }
        let shown = states.filter {
            (all || $0.mentor.status != .retired)
                && (!available || MentorsView.availability($0, session: session, at: now) == nil)
        }
        switch format {
        case .json:
            return JSONValue.array(shown.map { MentorsView.json($0.mentor, state: $0, session: session, at: now) }).text
        case .csv:
            return CSV.document(
                header: MentorsView.csvHeader,
                rows: shown.map { MentorsView.csvRow($0.mentor, state: $0, session: session, at: now) })
        default:
            if shown.isEmpty {
                return states.isEmpty ? "No mentors yet; add one with 'mentor add'." : "No mentors match."
            }
            var t = TextTable(
                [
                    "id", "name", "status", "load", "in", "available now", "next shift",
                    "DBS recheck",
                ],
                align: [.left, .left, .left, .right, .left, .left, .left, .left])
            var warnings = 0
            for s in shown {
                let m = s.mentor
                let rule = MentorsView.availability(s, session: session, at: now)
                var next = "-"
                if let shift = nextShift[m.id.lowercased()] {
                    next = "\(shift.span.start.weekdayName(cal)) \(cal.shortString(shift.span.start))"
                }
                let dbsWarn = MentorsView.dbsWarning(m, today: today)
                if dbsWarn != nil { warnings += 1 }
                let status: String = m.status.rawValue + (m.lead ? ", lead" : "")
                let availableText: String = rule.map { "no: \($0.explanation)" } ?? "yes"
                let cells: [String] = [
                    m.id, m.name, status, "\(s.caseload)/\(m.capacity)",
                    MentorsView.signedInSince(s, at: now).map { cal.timeString($0) } ?? "-",
                    availableText, next,
                    MentorsView.dbsText(m, today: today),
                ]
                var rowStyle: ((String) -> String)? = nil
                if let d = dbsWarn {
                    let style = session.style
                    rowStyle = d < 0 ? { style.red($0) } : { style.yellow($0) }
                }
                t.add(cells, style: rowStyle)
            }
            var out = t.render(style: session.style)
            let free = shown.filter { MentorsView.availability($0, session: session, at: now) == nil }.count
            let signedIn = shown.filter { MentorsView.signedInSince($0, at: now) != nil }.count
            out += "\(shown.count) mentor(s), \(free) available now, \(signedIn) signed in."
            if warnings > 0 { out += " \(warnings) DBS recheck(s) overdue or due within 60 days." }
            return out
        }
    }
}
