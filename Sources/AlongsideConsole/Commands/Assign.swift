import AlongsideCore
import ArgumentParser
import Foundation

/// `assign P M`: give a presentation to a mentor.
struct Assign: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
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
        let when = try session.eventTime(at)
        let reason = try Validate.text(override, option: "--override", max: 200)
        if override != nil && reason == nil {
            throw CommandError.field("--override", "give the reason, e.g. --override \"agreed with coordinator\"")
        }
        return try session.write("assign") { tx in
            var p = try session.presentation(presentation, in: tx)
            let m = try session.mentor(mentor, in: tx)
            let lastDecline = try tx.declines(of: p.number).map(\.at).max()
            try session.step {
                try p.assign(to: m.id, at: when, overrideReason: reason, lastDecline: lastDecline)
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
            try tx.updatePresentation(p)
            let waited = Int(when.timeIntervalSince(p.arrivedAt))
            let call = m.phone.map { " Phone: \($0)." } ?? ""
            return "\(p.id) assigned to \(m.id) (\(m.name)) at "
                + "\(session.calendar.timeString(when)), \(Fmt.minutes(waited)) after referral."
                + "\(call) Record the meeting with 'seen \(p.id)'."
        }
    }
}
