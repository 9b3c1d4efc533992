import AlongsideCore
import ArgumentParser
import Foundation

/// `leave M FROM TO`, `leave remove M FROM TO`, `leave list [M]`.
struct LeaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leave",
        abstract: "Record, remove or list leave (a mentor is not offered whatever the shifts say).",
        discussion: """
            'leave M FROM TO' records leave (the default); 'leave remove M FROM TO' removes \
            the leave lying inside that span; 'leave list [M]' shows leave not yet over.

            Examples:
              leave M1 2026-12-24 2026-12-27
              leave remove M1 2026-12-24 2026-12-27
              leave list M1
            """,
        subcommands: [LeaveAdd.self, LeaveRemove.self, LeaveList.self],
        defaultSubcommand: LeaveAdd.self)
}

/// FROM and TO of the leave commands: dates are whole days (TO included), else times.
private func leaveSpan(_ from: String, _ to: String, session: Session) throws -> TimeSpan {
    let cal = session.calendar
    var problems = FieldProblems()
    let start = problems.check { () throws -> Date in
        if let d = LocalDate(from) { return cal.startOfDay(d) }
        return try session.time(from, option: "FROM", planning: true)
    }
    let end = problems.check { () throws -> Date in
        if let d = LocalDate(to) { return cal.startOfDay(d.adding(days: 1)) }
        return try session.time(to, option: "TO", planning: true)
    }
    try problems.throwIfAny()
    guard end! > start! else { throw CommandError.field("TO", "is before FROM") }
    return TimeSpan(start: start!, end: end!)
}

struct LeaveAdd: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract:
            "Record leave: the mentor is not offered from FROM to TO whatever the shifts say.",
        discussion: """
            FROM and TO are dates (whole days, TO included) or times. 'leave add' may be left \
            out. Leave that overlaps leave already recorded is refused (remove or list it \
            with 'leave remove' / 'leave list'); leave longer than \(LeaveAdd.longestDays) days \
            is refused as a likely typo, and leave longer than \(LeaveAdd.warnDays) days is \
            recorded with a warning.

            Examples:
              leave M1 2026-12-24 2026-12-27
              leave M1 13:00 17:00
            """)
    static let requiredRole = Role.coordinator
    /// Longer leave is refused (a year typed wrong, most likely).
    static let longestDays = 366
    /// Longer leave is recorded with a warning.
    static let warnDays = 90

    @Argument(help: "The mentor's id.") var mentor: String
    @Argument(help: "First day (YYYY-MM-DD) or time.") var from: String
    @Argument(help: "Last day (included) or end time.") var to: String

    func execute(_ session: Session) throws -> String {
        let cal = session.calendar
        let span = try leaveSpan(from, to, session: session)
        let days = Double(span.seconds) / 86400
        if days > Double(Self.longestDays) {
            throw CommandError.field(
                "TO",
                "the leave would last \(Int(days.rounded())) days; leave longer than "
                    + "\(Self.longestDays) days is refused as a likely typo (check the year)")
        }
        return try session.write("leave") { tx in
            let m = try session.mentor(mentor, in: tx)
            if let clash = try tx.leave(mentor: m.id, overlapping: span).first {
                throw CommandError(
                    "\(m.id) already has leave \(cal.shortString(clash.span.start)) – "
                        + "\(cal.shortString(clash.span.end)) overlapping that; "
                        + "see 'leave list \(m.id)', "
                        + "or 'leave remove \(m.id) FROM TO' first")
            }
            try tx.insertLeave(Leave(mentorID: m.id, span: span))
            if days > Double(Self.warnDays) {
                session.warnings.append(
                    "\(m.id)'s leave lasts \(Int(days.rounded())) days; "
                        + "check the dates ('leave remove' undoes it)"
                )
            }
            let open = try tx.caseloads()[m.id.lowercased()] ?? 0
            var out =
                "\(m.id) on leave \(cal.shortString(span.start)) – \(cal.shortString(span.end)); "
                + "not offered in that time."
            if open > 0 && span.contains(session.now) {
                out += " They hold \(open) open presentation(s)."
            }
            return out
        }
    }
}

struct LeaveRemove: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove the leave of a mentor that lies inside FROM to TO.",
        discussion: """
            FROM and TO as for 'leave' (dates are whole days, TO included). Only leave lying \
            wholly inside the span is removed; each removal is audited.

            Examples:
              leave remove M1 2026-12-24 2026-12-27
              leave remove M1 2026-12-01 2026-12-31
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id.") var mentor: String
    @Argument(help: "First day (YYYY-MM-DD) or time.") var from: String
    @Argument(help: "Last day (included) or end time.") var to: String

    func execute(_ session: Session) throws -> String {
        let cal = session.calendar
        let span = try leaveSpan(from, to, session: session)
        return try session.write("leave remove") { tx in
            let m = try session.mentor(mentor, in: tx)
            let touching = try tx.leave(mentor: m.id, overlapping: span)
            let inside = touching.filter { span.start <= $0.span.start && $0.span.end <= span.end }
            if inside.isEmpty {
                let partly =
                    touching.first.map {
                        "; leave \(cal.shortString($0.span.start)) – "
                            + "\(cal.shortString($0.span.end)) "
                            + "overlaps it but is not inside it: give its whole span"
                    } ?? "; see 'leave list \(m.id)'"
                throw CommandError("no leave of \(m.id) lies inside that span" + partly)
            }
            try tx.deleteLeave(inside)
            return "Removed \(inside.count) leave record(s) of \(m.id): "
                + inside.map {
                    "\(cal.shortString($0.span.start)) – \(cal.shortString($0.span.end))"
                }
                .joined(separator: ", ") + "."
        }
    }
}

struct LeaveList: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Leave not yet over, of one mentor or all.",
        discussion: """
            Examples:
              leave list
              leave list M1 --all
              leave list --format csv
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id (default: every mentor).") var mentor: String?
    @Flag(help: "Include leave that is over.") var all = false
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let cal = session.calendar
        let now = session.now
        let list = try session.read { tx in
            let id = try mentor.map { try session.mentor($0, in: tx).id }
            let span = all ? nil : TimeSpan(start: now, end: Date.distantFuture)
            return try tx.leave(mentor: id, overlapping: span)
        }
        func days(_ l: Leave) -> Double { (Double(l.span.seconds) / 864).rounded() / 100 }
        switch format {
        case .json:
            return JSONValue.array(
                list.map { l in
                    .object([
                        ("mentor", .string(l.mentorID)),
                        ("from", .string(cal.isoString(l.span.start))),
                        ("to", .string(cal.isoString(l.span.end))), ("days", .double(days(l))),
                    ])
                }
            ).text
        case .csv:
            return CSV.document(
                header: ["mentor", "from", "to", "days"],
                rows: list.map {
                    [
                        $0.mentorID, cal.isoString($0.span.start), cal.isoString($0.span.end),
                        "\(days($0))",
                    ]
                })
        default:
            if list.isEmpty { return "No leave" + (all ? "." : " now or ahead.") }
            var t = TextTable(
                ["mentor", "from", "to", "days"], align: [.left, .left, .left, .right])
            for l in list {
                t.add([
                    l.mentorID, cal.shortString(l.span.start), cal.shortString(l.span.end),
                    "\(days(l))",
                ])
            }
            return t.render(style: session.style) + "\(list.count) leave record(s)."
        }
    }
}
