import AlongsideCore
import ArgumentParser
import Foundation

/// `mentor in M`: the mentor has arrived for their shift.
struct MentorIn: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "in",
        abstract: "Sign a mentor in: they are here for their shift.",
        discussion: """
            With require_sign_in = yes in the settings, only mentors signed in during the \
            shift that covers the time (or in the hour before it starts) and not signed out \
            since are offered (hard rule 8, 'not-signed-in'). 'mentors' shows who is in; the \
            weekly summary counts signed-in hours and no-shows.

            Examples:
              mentor in M3
              mentor in amy-w --at 19:05
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The mentor's id.") var id: String
    @Option(help: "When they arrived (default now).") var at: String?

    func execute(_ session: Session) throws -> String {
        let when = try session.eventTime(at)
        let cal = session.calendar
        return try session.write("mentor in") { tx in
            let m = try session.mentor(id, in: tx)
            if m.status == .retired {
                throw CommandError(
                    "\(m.id) is retired; 'mentor resume \(m.id)' first if they are back")
            }
            let past = try tx.signIns(mentor: m.id, overlapping: nil)
            if let open = past.last(where: { $0.outAt == nil }) {
                throw CommandError(
                    "\(m.id) is already signed in (since \(cal.shortString(open.inAt))); "
                        + "'mentor out \(m.id)' first")
            }
            if let last = past.compactMap(\.outAt).max(), when < last {
                throw CommandError.field(
                    "--at", "is before \(m.id) last signed out (\(cal.shortString(last)))")
            }
            try tx.insertSignIn(SignIn(mentorID: m.id, inAt: when))
            let soon = TimeSpan(start: when, end: when.addingTimeInterval(SignIn.earlyAllowance))
            let onShift = try tx.shifts(mentor: m.id, overlapping: soon).contains {
                $0.span.end > when
            }
            var out = "\(m.id) (\(m.name)) signed in at \(cal.timeString(when))."
            if !onShift {
                out +=
                    " They have no shift now or in the next hour, "
                    + "so they are not offered until one starts."
            }
            return out
        }
    }
}

/// `mentor out M`: the mentor has left.
struct MentorOut: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "out",
        abstract: "Sign a mentor out: they have left.",
        discussion: """
            Examples:
              mentor out M3
              mentor out amy-w --at 23:10
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The mentor's id.") var id: String
    @Option(help: "When they left (default now).") var at: String?

    func execute(_ session: Session) throws -> String {
        let when = try session.eventTime(at)
        let cal = session.calendar
        return try session.write("mentor out") { tx in
            let m = try session.mentor(id, in: tx)
            guard
                var open = try tx.signIns(mentor: m.id, overlapping: nil).last(where: {
                    $0.outAt == nil
                })
            else {
                throw CommandError(
                    "\(m.id) is not signed in; 'mentor in \(m.id)' records an arrival")
            }
            if when < open.inAt {
                throw CommandError.field(
                    "--at", "is before \(m.id) signed in (\(cal.shortString(open.inAt)))")
            }
            open.outAt = when
            try tx.updateSignIn(open)
            var out =
                "\(m.id) signed out at \(cal.timeString(when)), after "
                + "\(Fmt.minutes(Int(when.timeIntervalSince(open.inAt))))."
            let held = try tx.caseloads()[m.id.lowercased()] ?? 0
            if held > 0 {
                out += " They still hold \(held) open presentation(s): hand them over ('handover')."
            }
            return out
        }
    }
}
