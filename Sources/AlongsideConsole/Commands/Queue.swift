import AlongsideCore
import ArgumentParser
import Foundation

/// `queue`: everyone not yet seen.
struct Queue: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Everyone not yet seen: wait so far, target breaches first, best candidate.",
        discussion: """
            People past the target come first (marked !), then those waiting \
            pre_breach_minutes or more (amber, marked ~), then the longest waits. 'assigned' \
            is the minutes since the mentor was assigned; 'best' is the best available mentor \
            now for those still without one. 'board' keeps this view live; 'allocate' \
            proposes mentors for everyone at once. JSON and CSV carry breach, pre_breach and \
            assigned_minutes (null or empty when no mentor is assigned).

            The queue is this console's site's (spec §9): --site NAME shows another site's, \
            --site all every site's, with a site column. Mentors are shared by the trust, so \
            'best' is any mentor on shift.

            Examples:
              queue
              queue --format json
              queue --site all
            """)
    static let requiredRole = Role.liaison

    @OptionGroup var output: FormatOption
    @OptionGroup var sites: SiteOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let now = session.now
        let target = session.config.targetMinutes
        let amber = session.config.preBreachMinutes
        let (coverage, entries) = try session.read { tx in
            let coverage = try sites.resolve(session, tx)
            return (coverage, try QueueRow.load(session, tx, at: now, scope: coverage.scope))
        }
        // Every site's queue says whose each person is; one site's is as it always was.
        let bySite = coverage.scope.isAll
        switch format {
        case .json:
            return JSONValue.array(
                entries.map { (e: QueueRow) -> JSONValue in
                    JSONValue.object((bySite ? [("site", .string(e.presentation.site))] : []) + [
                        ("presentation", .string(e.presentation.id)),
                        (
                            "arrived_at",
                            .string(session.calendar.isoString(e.presentation.arrivedAt))
                        ),
                        ("wait_minutes", .double(Double(e.waitSeconds) / 60)),
                        ("breach", .bool(e.breach)),
                        ("pre_breach", .bool(e.preBreach)),
                        ("status", .string(e.presentation.status.rawValue)),
                        ("mentor", .string(e.presentation.mentorID)),
                        ("assigned_minutes", e.assignedMinutes.map { .int($0) } ?? .null),
                        ("best", .string(e.best?.mentorID)),
                    ])
                }
            ).text
        case .csv:
            return CSV.document(
                header: (bySite ? ["site"] : []) + [
                    "presentation", "arrived_at", "wait_minutes", "breach", "pre_breach", "status",
                    "mentor", "assigned_minutes", "best",
                ],
                rows: entries.map { (e: QueueRow) -> [String] in
                    (bySite ? [e.presentation.site] : []) + [
                        e.presentation.id, session.calendar.isoString(e.presentation.arrivedAt),
                        "\(Double(e.waitSeconds) / 60)", e.breach ? "yes" : "no",
                        e.preBreach ? "yes" : "no", e.presentation.status.rawValue,
                        e.presentation.mentorID ?? "", e.assignedMinutes.map(String.init) ?? "",
                        e.best?.mentorID ?? "",
                    ]
                })
        default:
            let at = coverage.named ? " at \(coverage.label)" : ""
            if entries.isEmpty { return "Nobody is waiting\(at)." }
            let columns = [
                "id", "referred", "waited", "status", "mentor", "assigned", "best available",
            ]
            var t = TextTable(
                (bySite ? ["site"] : []) + columns,
                align: (bySite ? [.left] : [])
                    + [.left, .left, .right, .left, .left, .right, .left])
            let style = session.style
            for e in entries {
                let waited = (e.marker == " " ? "" : e.marker + " ") + Fmt.minutes(e.waitSeconds)
                var best = e.presentation.mentorID == nil ? "none" : "-"
                if let b = e.best { best = "\(b.mentorID) (\(Fmt.score(b.score)))" }
                let cells: [String] = (bySite ? [e.presentation.site] : []) + [
                    e.presentation.id, session.calendar.shortString(e.presentation.arrivedAt),
                    waited, e.presentation.status.rawValue, e.presentation.mentorID ?? "-",
                    e.assignedMinutes.map { "\($0) min ago" } ?? "-", best,
                ]
                let paint: ((String) -> String)? =
                    e.breach ? { style.red($0) } : (e.preBreach ? { style.yellow($0) } : nil)
                t.add(cells, style: paint)
            }
            let breaches = entries.filter(\.breach).count
            let ambers = entries.filter(\.preBreach).count
            var out = t.render(style: session.style)
            out +=
                "\(entries.count) waiting\(at); \(breaches) past the \(target)-minute target"
                + (breaches > 0 ? " (marked !)" : "")
                + "; \(ambers) waiting \(amber) minutes or more"
                + (ambers > 0 ? " (marked ~)." : ".")
            return out
        }
    }
}
