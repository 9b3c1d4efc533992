import AlongsideCore
import ArgumentParser
import Foundation

/// `queue`: everyone not yet seen.
struct Queue: ConsoleCommand {
    static let configuration = CommandConfiguration(
        abstract: "Everyone not yet seen: wait so far, target breaches first, best candidate.",
        discussion: """
            Longest waits first, so people past the target are at the top. 'best' is the best \
            available mentor now; 'allocate' proposes mentors for everyone at once.

            Examples:
              queue
              queue --format json
            """)
    static let requiredRole = Role.liaison

    @OptionGroup var output: FormatOption

    struct Entry {
        var presentation: Presentation
        var waitSeconds: Int
        var breach: Bool
        var best: MatchCandidate?
    }

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let now = session.now
        let target = session.config.targetMinutes
        let matcher = session.matcher
        var entries: [Entry] = try session.read { tx in
            let states = try tx.mentorStates(at: now, onShiftOnly: true)
            var list: [Entry] = []
            for p in try tx.waitingPresentations() {
                let wait = max(0, Int(now.timeIntervalSince(p.arrivedAt)))
                let request = try session.matchRequest(p, in: tx)
                let best = matcher.rank(request, mentors: states, at: now).candidates.first
                list.append(Entry(presentation: p, waitSeconds: wait, breach: wait > target * 60, best: best))
            }
            return list
        }
        entries.sort { a, b in
            if a.waitSeconds != b.waitSeconds { return a.waitSeconds > b.waitSeconds }
            return a.presentation.number < b.presentation.number
        }
        switch format {
        case .json:
            return JSONValue.array(
                entries.map { (e: Entry) -> JSONValue in
                    JSONValue.object([
                        ("presentation", .string(e.presentation.id)),
                        ("arrived_at", .string(session.calendar.isoString(e.presentation.arrivedAt))),
                        ("wait_minutes", .double(Double(e.waitSeconds) / 60)),
                        ("breach", .bool(e.breach)),
                        ("status", .string(e.presentation.status.rawValue)),
                        ("mentor", .string(e.presentation.mentorID)),
                        ("best", .string(e.best?.mentorID)),
                    ])
                }
            ).text
        case .csv:
            return CSV.document(
                header: ["presentation", "arrived_at", "wait_minutes", "breach", "status", "mentor", "best"],
                rows: entries.map { (e: Entry) -> [String] in
                    [
                        e.presentation.id, session.calendar.isoString(e.presentation.arrivedAt),
                        "\(Double(e.waitSeconds) / 60)", e.breach ? "yes" : "no",
                        e.presentation.status.rawValue, e.presentation.mentorID ?? "",
                        e.best?.mentorID ?? "",
                    ]
                })
        default:
            if entries.isEmpty { return "Nobody is waiting." }
            var t = TextTable(
                ["id", "referred", "waited", "status", "mentor", "best available"],
                align: [.left, .left, .right, .left, .left, .left])
            for e in entries {
                let waited = (e.breach ? "! " : "") + Fmt.minutes(e.waitSeconds)
                var best = "none"
                if let b = e.best { best = "\(b.mentorID) (\(Fmt.score(b.score)))" }
                let cells: [String] = [
                    e.presentation.id, session.calendar.shortString(e.presentation.arrivedAt),
                    waited, e.presentation.status.rawValue, e.presentation.mentorID ?? "-", best,
                ]
                let style = session.style
                let red: (String) -> String = { style.red($0) }
                t.add(cells, style: e.breach ? red : nil)
            }
            let breaches = entries.filter(\.breach).count
            var out = t.render(style: session.style)
            out += "\(entries.count) waiting; \(breaches) past the \(target)-minute target"
                + (breaches > 0 ? " (marked !)." : ".")
            return out
        }
    }
}
