import AlongsideCore
import ArgumentParser
import Foundation

/// `decline P`: the assigned mentor cannot take the presentation.
struct Decline: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline",
        abstract: "The assigned mentor cannot take a presentation; it waits again.",
        discussion: """
            The mentor is left out of this person's matches from now on; the wait clock keeps \
            running from the referral.

            Examples:
              decline P12
              decline P12 --reason "knows the family"
              decline P12 --at 21:40
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Option(help: "Why (kept in the record; do not write names or NHS numbers).")
    var reason: String?
    @Option(help: "When the mentor declined (default now); not before the assignment.")
    var at: String?

    func execute(_ session: Session) throws -> String {
        let now = session.now
        let reason = try Validate.text(self.reason, option: "--reason", max: 200)
        let when = try session.eventTime(at)
        return try session.write("decline") { tx in
            var p = try session.presentation(presentation, in: tx)
            let mentor = try session.step { try p.unassign(at: when) }
            try tx.insertDecline(presentation: p.number, mentor: mentor, at: when, reason: reason)
            try tx.updatePresentation(p)
            let request = try session.matchRequest(p, in: tx)
            let result = session.matcher.rank(request, mentors: try tx.mentorStates(at: now, onShiftOnly: true), at: now)
            var out = "\(mentor) declined \(p.id); \(p.id) is waiting again."
            if let best = result.candidates.first {
                out += " Best available now: \(best.mentorID) (score \(Fmt.score(best.score)))."
            } else {
                out += " No mentor is available now."
            }
            return out
        }
    }
}
