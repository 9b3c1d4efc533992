import AlongsideCore
import ArgumentParser
import Foundation

/// `assign P M`: give a presentation to a mentor.
struct Assign: ConsoleCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give a presentation to a mentor.",
        discussion: """
            The mentor must pass every hard rule at the time of assignment (see 'help match'); \
            the rules are checked again inside the transaction, so two desks cannot fill the \
            same place. --override REASON assigns anyway and records the reason in the audit log.

            Examples:
              assign P12 M3
              assign P12 amy-w --at 09:20
              assign P12 M7 --override "only Welsh speaker on site; coordinator agreed"
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Argument(help: "The mentor's id.")
    var mentor: String
    @Option(help: "When the mentor was assigned (default now).")
    var at: String?
    @Option(help: "Assign although a hard rule forbids it; the reason is audited.")
    var override: String?

    func execute(_ session: Session) throws -> String {
        let now = session.now
        let when = try at.map { try session.time($0, option: "--at") } ?? now
        if when > now { throw CommandError.field("--at", "is in the future") }
        let reason = try Validate.text(override, option: "--override", max: 200)
        if override != nil && reason == nil {
            throw CommandError.field("--override", "give the reason, e.g. --override \"agreed with coordinator\"")
        }
        return try session.write("assign") { tx in
            var p = try session.presentation(presentation, in: tx)
            let m = try session.mentor(mentor, in: tx)
            switch p.status {
            case .closed: throw CommandError("\(p.id) is closed")
            case .seen: throw CommandError("\(p.id) has already been seen by \(p.mentorID ?? "a mentor")")
            case .assigned:
                throw CommandError(
                    "\(p.id) is already assigned to \(p.mentorID!); if they cannot take it, run 'decline \(p.id)' first")
            case .waiting: break
            }
            if when < p.arrivedAt {
                throw CommandError.field(
                    "--at", "is before \(p.id) was referred (\(session.calendar.shortString(p.arrivedAt)))")
            }
            if let lastDecline = try tx.declines(of: p.number).map(\.at).max(), when < lastDecline {
                throw CommandError.field(
                    "--at", "is before the last decline of \(p.id) (\(session.calendar.shortString(lastDecline))); an assignment after a decline comes after it")
            }
            guard let state = try tx.mentorState(m.id, at: when) else {
                throw CommandError("no mentor '\(m.id)'")
            }
            let request = try session.matchRequest(p, in: tx)
            if let rule = session.matcher.firstFailedRule(state, for: request, at: when) {
                if reason == nil {
                    throw CommandError(
                        "\(m.id) cannot take \(p.id): \(rule.explanation) (\(rule.rawValue)); see 'match \(p.id)' for who can, or add --override REASON to assign anyway"
                    )
                }
                session.warnings.append("\(m.id) was assigned against the rule '\(rule.rawValue)'; the override is in the audit log")
            }
            p.mentorID = m.id
            p.assignedAt = when
            p.overrideReason = reason
            try tx.updatePresentation(p)
            let waited = Int(when.timeIntervalSince(p.arrivedAt))
            return "\(p.id) assigned to \(m.id) (\(m.name)) at \(session.calendar.timeString(when)), \(Fmt.minutes(waited)) after referral. Record the meeting with 'seen \(p.id)'."
        }
    }
}
